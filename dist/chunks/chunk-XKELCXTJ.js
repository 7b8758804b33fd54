import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
function i(e){let t=["### Why green failed",""],s=(o,r)=>{if(r.length!==0){t.push(`**${o}**`,"");for(let n of r)t.push(`- ${n.at?`${n.at.replace("T"," ").replace(/\.\d+Z$/," UTC")}: `:""}${a(n.text)}${n.count>1?` (×${n.count})`:""}`);t.push("")}};return s("Stopped tasks",e.stoppedTasks),s("Unhealthy targets",e.unhealthyTargets),s("Service events (newest first)",e.events),e.unreadable.length&&t.push(`Could not read: ${a(e.unreadable.join("; "))}`,""),e.events.length+e.stoppedTasks.length+e.unhealthyTargets.length+e.unreadable.length===0&&t.push("ECS reported no stopped tasks, unhealthy targets or service events since the start.",""),t.join(`
`).trimEnd()}function a(e){return e.replace(/[\\`*_[\]<>|]/g,t=>`\\${t}`)}export{i as a};
