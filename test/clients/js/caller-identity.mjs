// Prints the caller identity as a pod sees it: credentials from the SDK's default chain (web identity token file).
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

const client = new STSClient({});
const identity = await client.send(new GetCallerIdentityCommand({}));
console.log(JSON.stringify({ Account: identity.Account, Arn: identity.Arn, UserId: identity.UserId }));
