import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{e as b}from"./chunk-HFCXXLEB.js";import{c as T,d as S,e as x,g as A}from"./chunk-PCUNG435.js";import{b as f}from"./chunk-KDLYBRYK.js";import{a as w,d as h}from"./chunk-CKRJZ3C4.js";var C="<!-- safe-deploy:checklist -->",R=/^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)([ xX])(\][ \t]+)/,v=/^\s*(`{3,}|~{3,})/,H=/<!-- safe-deploy:checklist-template sha256:([0-9a-f]+) -->/;function u(e){let t=[];return _(e,(n,s,r)=>{t.push({text:s,key:M(s),checked:n[2]!==" ",struck:d(s),line:r})}),t}function M(e){let t=U(e).replace(/[*_~`]/g,"").replace(/\s+/g," "),n=t.length;for(;n>0&&" .:;,!".includes(t[n-1]);)n--;return t.slice(0,n).trim().toLowerCase()}function U(e){let t="",n=0,s=-2;for(let r=e.indexOf("[");r!==-1;r=e.indexOf("[",r+1)){if(r<n)continue;if(s<r&&s!==-1&&(s=e.indexOf("]",r+1)),s===-1)break;if(e[s+1]!=="(")continue;let i=e.indexOf(")",s+2);if(i===-1)break;t+=e.slice(n,r)+e.slice(r+1,s),n=i+1,s=-2}return t+e.slice(n)}function z(e,t){let n=new Map;for(let o of t)n.has(o.key)||n.set(o.key,o);let s=new Set(e.map(o=>o.key)),r=0,i=0,c=[];for(let o of e){if(o.struck)continue;let a=n.get(o.key);a?.struck||(r++,a?.checked&&i++,a||c.push(o.text))}for(let o of t)o.struck||s.has(o.key)||(r++,o.checked&&i++);return{total:r,checked:i,complete:i===r,missing:c}}function E(e){return f().createHash("sha256").update(m(e)).digest("hex").slice(0,16)}function W(e){return H.exec(e)?.[1]}function G(e){return!!e&&e.includes(C)}function J(e,t){if(e?.login)return{login:e.login,bot:e.type==="Bot",association:t??"NONE"}}function I(e){return e.struck?"struck":e.checked?"checked":void 0}function X(e){let t=new Map;for(let n of u(e))t.has(n.key)||t.set(n.key,I(n));return t}function K(e,t,n=new Set){let s=m(e).split(`
`);return _(s.join(`
`),(r,i,c)=>{let o=M(i);if(n.has(o))return;let a=t(o);if(I({text:i,key:o,checked:r[2]!==" ",struck:d(i),line:c})===a)return;let y=d(i)?j(i):i,N=a==="struck"?`~~${y}~~`:y;s[c]=`${r[1]}${a==="checked"?"x":" "}${r[3]}${N}`}),s.join(`
`)}function L(e,t="",n=()=>{}){let s=new Set(u(e).filter(c=>c.struck).map(c=>c.key)),r=K(m(e).trim(),n,s);return`${[C,`<!-- safe-deploy:checklist-template sha256:${E(e)} -->`,...t?[t]:[]].join(`
`)}
${r}
`}function Y(e,t){return W(e)===E(t)}var g=65536;function Z({total:e,checked:t}){return`${t} of ${e} ${e===1?"item":"items"} ticked`}function _(e,t){let n;m(e).split(`
`).forEach((s,r)=>{let i=v.exec(s);if(n){i&&i[1][0]===n.char&&i[1].length>=n.length&&s.trim()===i[1]&&(n=void 0);return}if(i){n={char:i[1][0],length:i[1].length};return}let c=R.exec(s);c&&t(c,s.slice(c[0].length).trimEnd(),r)})}function d(e){let t=e.startsWith("~~")?"~~":e.startsWith("~")?"~":"";if(!t||!e.endsWith(t))return!1;let n=e.slice(t.length,e.length-t.length);return n.length>0&&!n.startsWith("~")&&!n.endsWith("~")}function j(e){let t=e.startsWith("~~")?2:1;return e.slice(t,e.length-t)}function m(e){return e.replace(/\r\n?/g,`
`)}var p=/<!-- safe-deploy:checklist-state ([A-Za-z0-9_-]*) -->/;function ee(e=0){return{comment:e,answers:new Map}}function k(e){let t=JSON.stringify({comment:e.comment,answers:[...e.answers].sort(D)});return`<!-- safe-deploy:checklist-state ${Buffer.from(t).toString("base64url")} -->`}function te(e){return p.exec(e)?.[0]}function ne(e){let t=p.exec(e);if(t)try{let n=JSON.parse(Buffer.from(t[1],"base64url").toString("utf8"));if(typeof n.comment!="number"||!Array.isArray(n.answers))return"malformed";let s=new Map;for(let r of n.answers){let[i,c]=Array.isArray(r)?r:[],{answer:o,by:a}=c??{};if(typeof i!="string"||o!=="checked"&&o!=="struck"||typeof a!="string")return"malformed";s.set(i,{answer:o,by:a})}return{comment:n.comment,answers:s}}catch{return"malformed"}}function re(e,t){let n=k(t);if(p.test(e))return e.replace(p,()=>n);let s=e.split(`
`),r=s.findIndex(i=>i.startsWith("<!-- safe-deploy:checklist-template"));return s.splice(r+1,0,n),s.join(`
`)}function se(e){return f().createHash("sha256").update(k(e)).digest("hex").slice(0,12)}function $(e){let t=new Map(e.map(n=>[n,{answer:"checked",by:"x".repeat(39)}]));return k({comment:Number.MAX_SAFE_INTEGER,answers:t}).length}function D([e],[t]){return e<t?-1:e>t?1:0}import{isAbsolute as F,resolve as q}from"node:path";var O=`## Deployment safety checklist

This change deploys without a human watching. Tick each item once it holds for this change, or strike
it through (\`~~like this~~\`) when it does not apply. Ticks are kept when this comment is refreshed.

### Testing
- [ ] Unit and integration tests were added or updated for the new behaviour
- [ ] The commands run to test this change are written below
  \`\`\`sh
  # for example: npm test && npm run test:integration
  \`\`\`

### Monitoring
- [ ] The change is covered by existing monitoring and alarms (or adds the ones it needs)
- [ ] The change stays within the service's resource limits (CPU, memory, connections, quotas)
- [ ] The change can deploy without triggering alarms

### Rollout
- [ ] The change can be merged right away (nothing else has to ship or happen first)
- [ ] Changes this depends on (other services, infrastructure, configuration) are already in production
- [ ] The change can be rolled back safely (data and schema changes are backward compatible)
`;var B="<!-- safe-deploy:authors-may-tick -->";function pe(e,t){let n=A(e,"mode",["comment","require"],"comment"),s=T(e,"github-token"),r=S(e,"template"),i=x(e,"authors-may-tick",!1);if(!r)return{template:O,templateSource:"built-in",mode:n,token:s,authorsMayTick:i};let c=F(r)?r:q(t,r),o;try{o=b({input:"template",kind:"template",path:r,baseDir:t})}catch(l){throw!(l instanceof w)||!l.message.endsWith("no such file")?l:h("template",r,`no such file at ${c} (paths are relative to the repository checkout; run actions/checkout first)`)}if(!u(o).some(l=>!l.struck))throw h("template",r,'the file has no task-list items (lines such as "- [ ] Tests were added")');let a=L(o).length+$(u(o).map(l=>l.key))+1;if(a>g)throw h("template",r,`the checklist comment would be up to ${a.toLocaleString("en-US")} characters with every item answered; GitHub allows ${g.toLocaleString("en-US")}: shorten the template`);return{template:o,templateSource:r,mode:n,token:s,authorsMayTick:i||o.includes(B)}}export{u as a,z as b,G as c,J as d,X as e,K as f,L as g,Y as h,Z as i,ee as j,k,te as l,ne as m,re as n,se as o,pe as p};
