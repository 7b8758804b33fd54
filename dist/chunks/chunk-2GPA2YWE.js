import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{d as m}from"./chunk-CKRJZ3C4.js";var u=/^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;function h(n,r){let o=n.trim(),t=u.exec(o);if(!o||!t||t.slice(1).every(i=>i===void 0))throw m(r,n,"expected a duration such as 90s, 5m or 1h30m");let[,e="0",s="0",c="0"]=t;return((Number(e)*60+Number(s))*60+Number(c))*1e3}function f(n){let r=Math.max(0,Math.floor(n/1e3)),o=Math.floor(r/3600),t=Math.floor(r%3600/60),e=r%60;return`${o?`${o}h`:""}${t?`${t}m`:""}${e?`${e}s`:""}`||"0s"}export{h as a,f as b};
