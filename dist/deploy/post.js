import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as i}from"../chunks/chunk-X6N4J4FL.js";import{a as n}from"../chunks/chunk-RXTH2KJH.js";import"../chunks/chunk-2XUQ7X3N.js";import"../chunks/chunk-DJN2VXAE.js";import{j as o,m as e}from"../chunks/chunk-E4CCIZQA.js";import"../chunks/chunk-OVSLOOZ7.js";async function r(){await n(async()=>{let t=e(i);if(!t){o("safe-deploy post: the deploy changed nothing in AWS; nothing to clean up");return}if(JSON.parse(t).stage==="finished"){o("safe-deploy post: the deploy finished; nothing to clean up");return}let{runDeployPost:a}=await import("../chunks/post-N3YZYC5N.js");await a()})}await r();
