import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as u,c as d}from"./chunk-7ELL4I22.js";import"./chunk-MZJIIESH.js";import{b as E,f as T}from"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";var _=function(s,t,e,n){function c(r){return r instanceof e?r:new e(function(o){o(r)})}return new(e||(e=Promise))(function(r,o){function h(i){try{a(n.next(i))}catch(l){o(l)}}function p(i){try{a(n.throw(i))}catch(l){o(l)}}function a(i){i.done?r(i.value):c(i.value).then(h,p)}a((n=n.apply(s,t||[])).next())})},f=class s{static createHttpClient(t=!0,e=10){let n={allowRetries:t,maxRetries:e};return new u("actions/oidc-client",[new d(s.getRequestToken())],n)}static getRequestToken(){let t=process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;if(!t)throw new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable");return t}static getIDTokenUrl(){let t=process.env.ACTIONS_ID_TOKEN_REQUEST_URL;if(!t)throw new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable");return t}static getCall(t){return _(this,void 0,void 0,function*(){var e;let r=(e=(yield s.createHttpClient().getJson(t).catch(o=>{throw new Error(`Failed to get ID Token. 
 
        Error Code : ${o.statusCode}
 
        Error Message: ${o.message}`)})).result)===null||e===void 0?void 0:e.value;if(!r)throw new Error("Response json body do not have ID Token field");return r})}static getIDToken(t){return _(this,void 0,void 0,function*(){try{let e=s.getIDTokenUrl();if(t){let c=encodeURIComponent(t);e=`${e}&audience=${c}`}T(`ID token url is ${e}`);let n=yield s.getCall(e);return E(n),n}catch(e){throw new Error(`Error message: ${e.message}`)}})}};export{f as OidcClient};
