import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{c as u,g as i}from"./chunk-PCUNG435.js";import{d as t}from"./chunk-CKRJZ3C4.js";function a(e){let s=u(e,"release");if(!/^[1-9]\d{0,15}$/.test(s))throw t("release",s,"expected a deployment id (the gate's `release` output)");if(!e("result"))throw t("result","","a value is required: success, failure, cancelled or skipped");let o=i(e,"result",["success","failure","cancelled","skipped"],"success"),r=e("github-token");if(!r)throw t("github-token","","a token with deployments: write is required");return{release:Number(s),result:o,githubToken:r}}export{a};
