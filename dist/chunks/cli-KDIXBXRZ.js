import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as a,c as b}from"./chunk-4VLRM2EX.js";import"./chunk-EOJIGHTY.js";import"./chunk-UFHYAYSW.js";import"./chunk-TLI4B62Y.js";import"./chunk-XTXVWJIP.js";import"./chunk-3SXYOBRA.js";import"./chunk-DTC7O3MQ.js";import"./chunk-HX2X4GBW.js";import"./chunk-CBZZPZ4X.js";import"./chunk-RA46BVW4.js";import"./chunk-QUTKNVPC.js";import"./chunk-NPMOLBAC.js";import"./chunk-YQB7B7AG.js";import"./chunk-RYEZB4Z7.js";import"./chunk-NP3PSFJ5.js";import"./chunk-AYTTZBOG.js";import"./chunk-O6TR5SKW.js";import"./chunk-AV33OXBG.js";import"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{b as awsControlPorts,a as runControlCommand};
