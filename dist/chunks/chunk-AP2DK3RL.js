import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as c,d as f,e as u}from"./chunk-BV62AOKB.js";import{c as o,d as g,e as i,h as l}from"./chunk-PCUNG435.js";import{d as a}from"./chunk-CKRJZ3C4.js";import{tmpdir as E}from"node:os";import{join as P,resolve as T}from"node:path";var b="safe-deploy-manifest";function x(t,n){let d=o(t,"task-definition"),h=o(t,"container-name"),e=o(t,"image"),s=i(t,"allow-tags",!1),r=f(e);if(r)throw a("image",e,r);if(!u(e)&&!s)throw a("image",e,"pin the image by digest (name@sha256:<64 hex digits>) so every stage deploys exactly what was built, or set allow-tags: true");let m=l(t,"name",b),w=n.GITHUB_WORKSPACE??process.cwd(),p=g(t,"path");return{taskDefinition:d,containerName:h,image:e,name:m,upload:i(t,"upload",!0),allowTags:s,path:p?T(w,p):P(n.RUNNER_TEMP??E(),"safe-deploy",m,c)}}export{b as a,x as b};
