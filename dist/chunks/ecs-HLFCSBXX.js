import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b,c}from"./chunk-3SXYOBRA.js";import"./chunk-DTC7O3MQ.js";import"./chunk-RA46BVW4.js";import"./chunk-NPMOLBAC.js";import"./chunk-YQB7B7AG.js";import"./chunk-RYEZB4Z7.js";import"./chunk-NP3PSFJ5.js";import"./chunk-AYTTZBOG.js";import"./chunk-O6TR5SKW.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";export{b as SdkEcs,c as errorName,a as isSteady};
