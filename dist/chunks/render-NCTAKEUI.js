import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b}from"./chunk-MFPN4HLX.js";import"./chunk-X75YUSGL.js";import"./chunk-BYT26Z3B.js";import"./chunk-J25WITOP.js";import"./chunk-RJVMDGY3.js";import"./chunk-TUNFK7LT.js";import"./chunk-HXJNNB4Y.js";import"./chunk-XX3QQ7JZ.js";import"./chunk-RFQEAV2X.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import"./chunk-PPIU427G.js";import"./chunk-Y7LBI6MU.js";import"./chunk-4C4GNTKY.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-NGOSJJS2.js";import"./chunk-OVSLOOZ7.js";export{b as renderPlanMarkdown,a as renderPlanTable};
