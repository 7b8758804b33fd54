import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
var i={now:()=>Date.now(),sleep:(n,e)=>new Promise(t=>{if(e?.aborted)return t();let r=setTimeout(o,Math.max(0,n));function o(){clearTimeout(r),e?.removeEventListener("abort",o),t()}e?.addEventListener("abort",o,{once:!0})})};export{i as a};
