import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
function o(t){if(!(!t.ACTIONS_RUNTIME_TOKEN||!t.ACTIONS_RESULTS_URL))return async(r,n,e)=>{let{DefaultArtifactClient:i}=await import("./artifact-3GSRWMYO.js");return new i().uploadArtifact(r,n,e)}}async function a(t,r){let{DefaultArtifactClient:n}=await import("./artifact-3GSRWMYO.js");await new n().downloadArtifact(t.artifactId,{path:r,findBy:{token:t.token,workflowRunId:t.runId,repositoryOwner:t.owner,repositoryName:t.repo}})}export{o as a,a as b};
