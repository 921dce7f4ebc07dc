// Drives the IRSA setup through @aws-sdk/client-iam and prints what the server answered, for the test to judge.
// Input (env): ISSUER (the cluster issuer URL), NAME (a unique suffix). Credentials and endpoint: the usual AWS env.
import {
  IAMClient, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreatePolicyCommand, AttachRolePolicyCommand,
  GetRoleCommand, SimulatePrincipalPolicyCommand, SimulateCustomPolicyCommand, ListAttachedRolePoliciesCommand,
} from "@aws-sdk/client-iam";

const iam = new IAMClient({});
const issuer = process.env.ISSUER;
const name = process.env.NAME;
const host = issuer.replace(/^https?:\/\//, "");

const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ["sts.amazonaws.com"] }));
const trust = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { Federated: provider.OpenIDConnectProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { StringEquals: { [`${host}:sub`]: "system:serviceaccount:default:reader", [`${host}:aud`]: "sts.amazonaws.com" } },
  }],
};
const role = await iam.send(new CreateRoleCommand({ RoleName: `js-${name}`, AssumeRolePolicyDocument: JSON.stringify(trust) }));
const policy = await iam.send(new CreatePolicyCommand({
  PolicyName: `js-read-${name}`,
  PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] }),
}));
await iam.send(new AttachRolePolicyCommand({ RoleName: `js-${name}`, PolicyArn: policy.Policy.Arn }));
const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: `js-${name}` }));
const got = await iam.send(new GetRoleCommand({ RoleName: `js-${name}` }));
const principal = await iam.send(new SimulatePrincipalPolicyCommand({
  PolicySourceArn: role.Role.Arn,
  ActionNames: ["s3:GetObject", "s3:PutObject"],
  ResourceArns: ["arn:aws:s3:::reports/q1.csv"],
}));
const custom = await iam.send(new SimulateCustomPolicyCommand({
  PolicyInputList: [JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] })],
  ActionNames: ["s3:GetObject"],
}));

console.log(JSON.stringify({
  providerArn: provider.OpenIDConnectProviderArn,
  roleArn: role.Role.Arn,
  roleId: role.Role.RoleId,
  trustPolicyEncoded: got.Role.AssumeRolePolicyDocument,
  attached: attached.AttachedPolicies.map((p) => p.PolicyArn),
  principalDecisions: principal.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision]),
  customDecisions: custom.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision]),
}));
