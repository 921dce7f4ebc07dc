using Irsa.Core.Audit;
using Irsa.Core.Aws;

namespace Irsa.Sts;

/// <summary>
/// An STS call refused: AWS's error for the client and the operator's explanation. Thrown where a session is being
/// issued outside an awsQuery call (EKS Pod Identity), and inside the actions, which turn it into an <see cref="StsResult"/>.
/// </summary>
public sealed class StsFailureException(AwsError error, Explanation explanation) : Exception(error.Code + ": " + error.Message)
{
    public AwsError Error { get; } = error;

    public Explanation Explanation { get; } = explanation;
}
