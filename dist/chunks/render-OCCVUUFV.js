import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b}from"./chunk-66DPADVV.js";import"./chunk-5AKIIDNB.js";import"./chunk-BYT26Z3B.js";import"./chunk-J25WITOP.js";import"./chunk-Z6DIMXRJ.js";import"./chunk-G7AD2YOW.js";import"./chunk-HXJNNB4Y.js";import"./chunk-VRVRJYAG.js";import"./chunk-OH3T7VVX.js";import"./chunk-DJ4RTTQM.js";import"./chunk-GEAJSZGQ.js";import"./chunk-PPIU427G.js";import"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";export{b as renderPlanMarkdown,a as renderPlanTable};
