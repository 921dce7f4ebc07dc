using System.Collections.Concurrent;
using Irsa.Iam;
using Irsa.Policy;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Sessions;

/// <summary>
/// Turns an opened <see cref="RoleSession"/> into the <see cref="CallerIdentity"/> every later call is authorized with:
/// the role's policies are read at call time by the authorizer, intersected with the session policies compiled here.
/// </summary>
public sealed class SessionCallerFactory(IWebIdentityDirectory directory)
{
    private const int MaxCachedPolicies = 1024;
    private readonly ConcurrentDictionary<string, PolicyEntry?> _inlinePolicies = new(StringComparer.Ordinal);

    /// <summary>The caller identity of a request signed with this session's credentials.</summary>
    public async Task<CallerIdentity> CreateAsync(RoleSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        List<PolicyEntry>? sessionPolicies = null;
        if (session.HasSessionPolicies)
        {
            // An empty list (every policy gone or unreadable) still restricts: it allows nothing, as AWS would.
            sessionPolicies = [];
            if (session.Policy is { } text && CompileInline(text) is { } inline)
            {
                sessionPolicies.Add(inline);
            }

            foreach (var arn in session.PolicyArns)
            {
                if (await directory.GetManagedPolicyAsync(session.AccountId, arn, cancellationToken) is { } managed)
                {
                    sessionPolicies.Add(managed);
                }
            }
        }

        var context = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:TokenIssueTime"] = Single(ContextKeyType.Date, session.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (session.WebIdentity is { } web)
        {
            // After federation only amr, aud and sub remain available as web-identity keys.
            var prefix = StripScheme(web.Issuer);
            context["aws:FederatedProvider"] = Single(ContextKeyType.Arn, web.ProviderArn);
            context[prefix + ":sub"] = Single(ContextKeyType.String, web.Subject);
            context[prefix + ":aud"] = Single(ContextKeyType.String, web.Audience);
            if (web.AuthenticationMethods is { } amr)
            {
                context[prefix + ":amr"] = new ContextValue(ContextKeyType.String, amr, isMultiValued: true);
            }
        }

        var callerSession = new CallerSession(sessionPolicies, session.Tags, session.SourceIdentity)
        {
            Pod = session.Pod,
            IssuedAt = session.IssuedAt,
            FederatedProvider = session.WebIdentity?.ProviderArn,
            TransitiveTagKeys = session.TransitiveTagKeys,
        };
        if (session.Kind == SessionKind.User)
        {
            // GetSessionToken: the caller is the user itself; the session only marks the credentials as temporary.
            var user = CallerIdentity.ForUser(session.AccountId, session.RoleArn, session.RoleName, session.RoleId);
            return user with { Session = callerSession with { RoleArn = string.Empty } };
        }

        return CallerIdentity.ForRoleSession(session.AccountId, session.RoleArn, session.RoleName, session.RoleId, session.SessionName,
            callerSession, context);
    }

    private PolicyEntry? CompileInline(string text)
    {
        if (_inlinePolicies.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parsed = PolicyDocument.Parse(text, PolicyKind.Session);
        var entry = parsed.IsValid ? new PolicyEntry("SessionPolicy", PolicySourceType.None, parsed.Document) : null;
        if (_inlinePolicies.Count >= MaxCachedPolicies)
        {
            _inlinePolicies.Clear();
        }

        _inlinePolicies[text] = entry;
        return entry;
    }

    internal static string StripScheme(string issuer)
    {
        var index = issuer.IndexOf("://", StringComparison.Ordinal);
        return (index < 0 ? issuer : issuer[(index + 3)..]).TrimEnd('/');
    }

    private static ContextValue Single(ContextKeyType type, string value) => new(type, [value], isMultiValued: false);
}
