import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{c as a,d as c,i as m}from"./chunk-7AX5QLHK.js";function p(i){let o=new Set;return c(i).map(r=>{let{deployment:e}=r,n=a.safeParse(e.payload),t=!o.has(e.environment);return o.add(e.environment),{environment:e.environment,deployment:e.id,commit:e.sha,since:r.since,run:n.success?String(n.data.runId):"?",next:t}})}function l(i,o,r=e=>e){let e=o?` for ${o}`:"";return i.length?["| Environment | Release | Commit | Queued since | Run |","|---|---|---|---|---|",...i.map(n=>`| ${n.environment} | ${n.deployment}${n.next?" (next)":""} | \`${m(n.commit)}\` | ${r(n.since)} | ${n.run} |`)]:[`Nothing is queued${e}.`]}function g(i,o){let r=o?` for ${o}`:"";if(!i.length)return`Nothing is queued${r}.
`;let e=[["environment","release","commit","queued since","run"],...i.map(t=>[t.environment,`${t.deployment}${t.next?" (next)":""}`,m(t.commit),t.since,t.run])],n=e[0].map((t,u)=>Math.max(...e.map(s=>s[u].length)));return`${e.map(t=>t.map((u,s)=>u.padEnd(n[s])).join("  ").trimEnd()).join(`
`)}
`}export{p as a,l as b,g as c};
