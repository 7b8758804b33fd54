import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b}from"./chunk-YVQ2AHWZ.js";import"./chunk-EW6YTYMQ.js";import"./chunk-ABDYDKL7.js";import"./chunk-QRAO7KMI.js";import"./chunk-TIGXNNRB.js";import"./chunk-HXJNNB4Y.js";import"./chunk-OULZW3EU.js";import"./chunk-AFLQHV3H.js";import"./chunk-I3HXRGUY.js";import"./chunk-PPIU427G.js";import"./chunk-DSHYLKGK.js";import"./chunk-4C4GNTKY.js";import"./chunk-DJN2VXAE.js";import"./chunk-E4CCIZQA.js";import"./chunk-OVSLOOZ7.js";export{b as renderPlanMarkdown,a as renderPlanTable};
