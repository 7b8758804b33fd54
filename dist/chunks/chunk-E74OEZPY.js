import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{i as s}from"./chunk-WNPGRKDX.js";var{getOctokit:i}=await(async()=>{let t=process.env.GITHUB_EVENT_PATH;delete process.env.GITHUB_EVENT_PATH;try{return await import("./github-SFW7EWSI.js")}finally{t!==void 0&&(process.env.GITHUB_EVENT_PATH=t)}})();function a({token:t,baseUrl:e}){return s(t),i(t,{baseUrl:o(e)})}function o(t){return(t||process.env.GITHUB_API_URL||"https://api.github.com").replace(/\/+$/,"")}function r(t){if(typeof t=="object"&&t!==null&&"status"in t){let e=t.status;if(typeof e=="number")return e}}function p(t){let e=r(t),n=(t instanceof Error?t.message:String(t)).replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/,"");return e?`HTTP ${e}: ${n}`:n}function g(t=15e3){return{request:{signal:AbortSignal.timeout(t)}}}export{a,r as b,p as c,g as d};
