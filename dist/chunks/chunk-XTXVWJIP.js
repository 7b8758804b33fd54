import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
function n(e={}){let t=e.region??process.env.AWS_REGION??process.env.AWS_DEFAULT_REGION;return{...t?{region:t}:{},maxAttempts:e.maxAttempts??3,retryMode:"adaptive",requestHandler:{connectionTimeout:3e3,requestTimeout:1e4}}}export{n as a};
