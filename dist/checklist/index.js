import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{p as i}from"../chunks/chunk-MAG5D24I.js";import"../chunks/chunk-I3HXRGUY.js";import{a as t}from"../chunks/chunk-RXTH2KJH.js";import{a as r}from"../chunks/chunk-DSHYLKGK.js";import"../chunks/chunk-4C4GNTKY.js";import"../chunks/chunk-2XUQ7X3N.js";import"../chunks/chunk-DJN2VXAE.js";import"../chunks/chunk-E4CCIZQA.js";import"../chunks/chunk-OVSLOOZ7.js";async function o(){await t(async()=>{i(r,process.env.GITHUB_WORKSPACE??process.cwd());let{runChecklist:n}=await import("../chunks/run-DMPUGA4Z.js");await n(r)})}await o();
