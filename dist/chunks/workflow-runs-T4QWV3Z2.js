import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as u,g as o}from"./chunk-YAC6PLLK.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function g(c,t){let d=u({token:c,...t?{baseUrl:t}:{}});return{async status(a,n,e){let[s,i]=a.split("/");if(!(!s||!i||!/^\d+$/.test(n)||!/^\d+$/.test(e)))try{let{data:r}=await d.rest.actions.getWorkflowRunAttempt({owner:s,repo:i,run_id:Number(n),attempt_number:Number(e),...o(1e4)});return{status:r.status??"",conclusion:r.conclusion??void 0}}catch{return}}}}export{g as githubWorkflowRuns};
