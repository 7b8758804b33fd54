import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b,c}from"./chunk-U2XDY6DH.js";import"./chunk-AV26FLBO.js";import"./chunk-HOYCYG5T.js";import"./chunk-OK3GI75R.js";import"./chunk-NP3PSFJ5.js";import"./chunk-YQB7B7AG.js";import"./chunk-PIND3PZR.js";import"./chunk-F6XMMM3L.js";import"./chunk-O6TR5SKW.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";export{b as SdkEcs,c as errorName,a as isSteady};
