// Least privilege as a pod sees it through the JavaScript SDK v3: credentials from the default chain (web identity
// token file), an endpoint given as a host name so the SDK addresses buckets virtual-hosted style
// (bucket-a.localhost:PORT). Prints one JSON line: what each call answered.
// Usage: node s3-least-privilege.mjs READ_BUCKET READ_KEY DENIED_BUCKET UPLOAD_KEY
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import http from "node:http";
import dns from "node:dns";

const [readBucket, readKey, deniedBucket, uploadKey] = process.argv.slice(2);
const endpoint = process.env.AWS_ENDPOINT_URL_S3.replace("127.0.0.1", "localhost");
// BUCKET.localhost is loopback (RFC 6761); this machine's resolver does not say so, a wildcard DNS record would.
const lookup = (host, options, callback) =>
  dns.lookup(host.endsWith(".localhost") ? "127.0.0.1" : host, options, callback);
const client = new S3Client({
  endpoint,
  region: process.env.AWS_REGION ?? "us-east-1",
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, lookup }) }),
});
const outcome = async (call) => {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, code: error.name, status: error.$metadata?.httpStatusCode };
  }
};

const read = await outcome(async () => (await client.send(new GetObjectCommand({ Bucket: readBucket, Key: readKey }))).Body.transformToString());
const deniedRead = await outcome(() => client.send(new GetObjectCommand({ Bucket: deniedBucket, Key: readKey })));
const deniedWrite = await outcome(() => client.send(new PutObjectCommand({ Bucket: readBucket, Key: readKey + ".js", Body: "no" })));
// 12 MiB through lib-storage: a multipart upload of 5 MiB parts, each with the SDK's default checksum.
const body = Buffer.alloc(12 * 1024 * 1024, "irsa");
const upload = await outcome(async () => {
  const result = await new Upload({ client, params: { Bucket: readBucket, Key: uploadKey, Body: body } }).done();
  return result.ETag;
});
const readBack = await outcome(async () => (await (await client.send(new GetObjectCommand({ Bucket: readBucket, Key: uploadKey }))).Body.transformToByteArray()).length);
console.log(JSON.stringify({ read, deniedRead, deniedWrite, upload, readBack }));
