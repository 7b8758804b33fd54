import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as r,b as t}from"./chunk-2TYIPRSW.js";import"./chunk-HFCXXLEB.js";import{a as i}from"./chunk-UXDF7626.js";import{a as o,d as n}from"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function p(){t(n(o,"config")??r)}async function e(){await i(async()=>{p();let{runPlanStep:a}=await import("./run-RMERP2PO.js");await a(o)})}export{e as run};
