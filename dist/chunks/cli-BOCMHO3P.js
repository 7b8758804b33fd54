import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as a,c as b}from"./chunk-MBV34WVI.js";import"./chunk-E2AY4K3M.js";import"./chunk-XMI3PZ4G.js";import"./chunk-TLI4B62Y.js";import"./chunk-DV3WHI4R.js";import"./chunk-XTXVWJIP.js";import"./chunk-JMPYY7DU.js";import"./chunk-CDMCSFK4.js";import"./chunk-3FD6KZUR.js";import"./chunk-JJMRUJHS.js";import"./chunk-66IL64SK.js";import"./chunk-TR4EM6TJ.js";import"./chunk-XXQHIKDH.js";import"./chunk-P6LTDBQS.js";import"./chunk-ZYUQ2LXF.js";import"./chunk-YQB7B7AG.js";import"./chunk-WLBHSTNN.js";import"./chunk-IK54V5UP.js";import"./chunk-U5MSXVYU.js";import"./chunk-AV33OXBG.js";import"./chunk-6CRAOU5U.js";import"./chunk-JORK3I4T.js";import"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{b as awsControlPorts,a as runControlCommand};
