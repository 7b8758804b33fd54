import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
async function P(){let[{clientConfig:r},{CloudWatchClient:s},{ECSClient:a},{ElasticLoadBalancingV2Client:e}]=await Promise.all([import("./clients-TB7ZBHGA.js"),import("./dist-es-VMBYLHJL.js"),import("./dist-es-JUQXBI2P.js"),import("./dist-es-C7JDGSEA.js")]),[{SdkCloudWatch:c},{SdkEcs:i},{SdkLoadBalancer:l},{SdkEcsTasks:n},{verifyAdapters:p}]=await Promise.all([import("./cloudwatch-ABMSQ7XB.js"),import("./ecs-26B5QPJ5.js"),import("./load-balancer-RP733EEQ.js"),import("./ecs-tasks-CICN3G26.js"),import("./adapters-4N2VGZCQ.js")]),o=r(),t=new a(o);return{ecs:new i(t),tasks:new n(t),...p(o),lb:new l(new e(o)),cloudwatch:new c(new s(o))}}export{P as a};
