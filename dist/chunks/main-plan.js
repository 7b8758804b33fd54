import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as r,b as t}from"./chunk-ZAITCZAI.js";import"./chunk-TZP4LAMU.js";import{a as i}from"./chunk-2TM62AQJ.js";import{a as o,d as n}from"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function p(){t(n(o,"config")??r)}async function e(){await i(async()=>{p();let{runPlanStep:a}=await import("./run-4723HN2Y.js");await a(o)})}export{e as run};
