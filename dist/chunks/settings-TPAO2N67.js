import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as a,h as b,i as c}from"./chunk-4UE2YJG7.js";import"./chunk-HXJNNB4Y.js";import"./chunk-V5XLR3X3.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{b as checkPlanFitsTimeout,a as parseDeploySettings,c as shortName};
