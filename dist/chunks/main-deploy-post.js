import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as r}from"./chunk-X6N4J4FL.js";import{a as n}from"./chunk-UXDF7626.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import{j as e,m as t}from"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function i(){let o=t(r);return o?JSON.parse(o).stage==="finished"?(e("safe-deploy post: the deploy finished; nothing to clean up"),!1):!0:(e("safe-deploy post: the deploy changed nothing in AWS; nothing to clean up"),!1)}async function a(){await n(async()=>{if(!i())return;let{runDeployPost:o}=await import("./post-SDNG6HOG.js");await o()})}export{a as run};
