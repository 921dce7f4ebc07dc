// These tests start real processes (./irsa up, the AWS CLI, python, node) and one of them sets process-wide
// environment variables for the AWS SDK for .NET, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
