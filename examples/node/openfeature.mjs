// OpenFeature: an app already on the OpenFeature server SDK switches to rollgate by one line.
// Run: node examples/node/openfeature.mjs
import { readFileSync } from 'node:fs';
import { OpenFeature } from '@openfeature/server-sdk';
import { RollgateProvider } from 'rollgate/openfeature';

const config = JSON.parse(readFileSync(new URL('../configs/storefront.json', import.meta.url), 'utf8'));
await OpenFeature.setProviderAndWait(new RollgateProvider(config)); // the one line
const client = OpenFeature.getClient();

const staff = JSON.parse(readFileSync(new URL('../contexts/staff.json', import.meta.url), 'utf8'));
const details = await client.getBooleanDetails('checkout-redesign', false, staff);
console.log(`checkout-redesign: ${details.value} (variant ${details.variant}, reason ${details.reason})`);
const theme = await client.getStringValue('holiday-theme', 'none', staff);
console.log(`holiday-theme: ${theme}`);
const missing = await client.getBooleanDetails('no-such-flag', false, staff);
console.log(`no-such-flag: ${missing.value} (${missing.reason}, ${missing.errorCode})`);
await OpenFeature.close();
