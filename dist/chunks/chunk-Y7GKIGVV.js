import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{d as w}from"./chunk-GEAJSZGQ.js";import{c as b,d as T,e as S,g as x}from"./chunk-ABRP7F7C.js";import{a as y,b as h}from"./chunk-DJN2VXAE.js";import{createHash as N}from"node:crypto";var A="<!-- safe-deploy:checklist -->",R=/^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)([ xX])(\][ \t]+)/,v=/^\s*(`{3,}|~{3,})/,H=/<!-- safe-deploy:checklist-template sha256:([0-9a-f]+) -->/;function u(e){let t=[];return L(e,(n,s,r)=>{t.push({text:s,key:C(s),checked:n[2]!==" ",struck:p(s),line:r})}),t}function C(e){let t=U(e).replace(/[*_~`]/g,"").replace(/\s+/g," "),n=t.length;for(;n>0&&" .:;,!".includes(t[n-1]);)n--;return t.slice(0,n).trim().toLowerCase()}function U(e){let t="",n=0,s=-2;for(let r=e.indexOf("[");r!==-1;r=e.indexOf("[",r+1)){if(r<n)continue;if(s<r&&s!==-1&&(s=e.indexOf("]",r+1)),s===-1)break;if(e[s+1]!=="(")continue;let i=e.indexOf(")",s+2);if(i===-1)break;t+=e.slice(n,r)+e.slice(r+1,s),n=i+1,s=-2}return t+e.slice(n)}function G(e,t){let n=new Map;for(let o of t)n.has(o.key)||n.set(o.key,o);let s=new Set(e.map(o=>o.key)),r=0,i=0,c=[];for(let o of e){if(o.struck)continue;let a=n.get(o.key);a?.struck||(r++,a?.checked&&i++,a||c.push(o.text))}for(let o of t)o.struck||s.has(o.key)||(r++,o.checked&&i++);return{total:r,checked:i,complete:i===r,missing:c}}function M(e){return N("sha256").update(f(e)).digest("hex").slice(0,16)}function W(e){return H.exec(e)?.[1]}function J(e){return!!e&&e.includes(A)}function X(e,t){if(e?.login)return{login:e.login,bot:e.type==="Bot",association:t??"NONE"}}function E(e){return e.struck?"struck":e.checked?"checked":void 0}function Y(e){let t=new Map;for(let n of u(e))t.has(n.key)||t.set(n.key,E(n));return t}function K(e,t,n=new Set){let s=f(e).split(`
`);return L(s.join(`
`),(r,i,c)=>{let o=C(i);if(n.has(o))return;let a=t(o);if(E({text:i,key:o,checked:r[2]!==" ",struck:p(i),line:c})===a)return;let k=p(i)?j(i):i,O=a==="struck"?`~~${k}~~`:k;s[c]=`${r[1]}${a==="checked"?"x":" "}${r[3]}${O}`}),s.join(`
`)}function I(e,t="",n=()=>{}){let s=new Set(u(e).filter(c=>c.struck).map(c=>c.key)),r=K(f(e).trim(),n,s);return`${[A,`<!-- safe-deploy:checklist-template sha256:${M(e)} -->`,...t?[t]:[]].join(`
`)}
${r}
`}function Z(e,t){return W(e)===M(t)}var d=65536;function Q({total:e,checked:t}){return`${t} of ${e} ${e===1?"item":"items"} ticked`}function L(e,t){let n;f(e).split(`
`).forEach((s,r)=>{let i=v.exec(s);if(n){i&&i[1][0]===n.char&&i[1].length>=n.length&&s.trim()===i[1]&&(n=void 0);return}if(i){n={char:i[1][0],length:i[1].length};return}let c=R.exec(s);c&&t(c,s.slice(c[0].length).trimEnd(),r)})}function p(e){let t=e.startsWith("~~")?"~~":e.startsWith("~")?"~":"";if(!t||!e.endsWith(t))return!1;let n=e.slice(t.length,e.length-t.length);return n.length>0&&!n.startsWith("~")&&!n.endsWith("~")}function j(e){let t=e.startsWith("~~")?2:1;return e.slice(t,e.length-t)}function f(e){return e.replace(/\r\n?/g,`
`)}import{createHash as D}from"node:crypto";var m=/<!-- safe-deploy:checklist-state ([A-Za-z0-9_-]*) -->/;function te(e=0){return{comment:e,answers:new Map}}function g(e){let t=JSON.stringify({comment:e.comment,answers:[...e.answers].sort(F)});return`<!-- safe-deploy:checklist-state ${Buffer.from(t).toString("base64url")} -->`}function ne(e){return m.exec(e)?.[0]}function re(e){let t=m.exec(e);if(t)try{let n=JSON.parse(Buffer.from(t[1],"base64url").toString("utf8"));if(typeof n.comment!="number"||!Array.isArray(n.answers))return"malformed";let s=new Map;for(let r of n.answers){let[i,c]=Array.isArray(r)?r:[],{answer:o,by:a}=c??{};if(typeof i!="string"||o!=="checked"&&o!=="struck"||typeof a!="string")return"malformed";s.set(i,{answer:o,by:a})}return{comment:n.comment,answers:s}}catch{return"malformed"}}function se(e,t){let n=g(t);if(m.test(e))return e.replace(m,()=>n);let s=e.split(`
`),r=s.findIndex(i=>i.startsWith("<!-- safe-deploy:checklist-template"));return s.splice(r+1,0,n),s.join(`
`)}function ie(e){return D("sha256").update(g(e)).digest("hex").slice(0,12)}function _(e){let t=new Map(e.map(n=>[n,{answer:"checked",by:"x".repeat(39)}]));return g({comment:Number.MAX_SAFE_INTEGER,answers:t}).length}function F([e],[t]){return e<t?-1:e>t?1:0}import{isAbsolute as q,resolve as B}from"node:path";var $=`## Deployment safety checklist

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
`;var P="<!-- safe-deploy:authors-may-tick -->";function de(e,t){let n=x(e,"mode",["comment","require"],"comment"),s=b(e,"github-token"),r=T(e,"template"),i=S(e,"authors-may-tick",!1);if(!r)return{template:$,templateSource:"built-in",mode:n,token:s,authorsMayTick:i};let c=q(r)?r:B(t,r),o;try{o=w({input:"template",kind:"template",path:r,baseDir:t})}catch(l){throw!(l instanceof y)||!l.message.endsWith("no such file")?l:h("template",r,`no such file at ${c} (paths are relative to the repository checkout; run actions/checkout first)`)}if(!u(o).some(l=>!l.struck))throw h("template",r,'the file has no task-list items (lines such as "- [ ] Tests were added")');let a=I(o).length+_(u(o).map(l=>l.key))+1;if(a>d)throw h("template",r,`the checklist comment would be up to ${a.toLocaleString("en-US")} characters with every item answered; GitHub allows ${d.toLocaleString("en-US")}: shorten the template`);return{template:o,templateSource:r,mode:n,token:s,authorsMayTick:i||o.includes(P)}}export{u as a,G as b,J as c,X as d,Y as e,K as f,I as g,Z as h,Q as i,te as j,g as k,ne as l,re as m,se as n,ie as o,de as p};
