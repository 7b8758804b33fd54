import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as n}from"./chunk-EZB6MJDZ.js";import"./chunk-YXA7JP4S.js";import{a as i,f as p}from"./chunk-NEG5C6XV.js";import"./chunk-7AX5QLHK.js";import"./chunk-BLVJDCH5.js";import"./chunk-DTCY56DR.js";import"./chunk-OJRROXPB.js";import"./chunk-5DOD3JTT.js";import"./chunk-YAC6PLLK.js";import"./chunk-BV62AOKB.js";import"./chunk-HFCXXLEB.js";import{a as u}from"./chunk-LCCZRJ2V.js";import"./chunk-PPIU427G.js";import"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import{d as o}from"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";async function y(a,t={}){let e=u(a),s=i(t.env??process.env),c=t.releases??new n({token:e.githubToken,repository:s.repository}),r=await p(c,s,e.release,e.result);return o("state",r),r}export{y as runQueueAction};
