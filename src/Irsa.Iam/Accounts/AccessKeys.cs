using Irsa.Core.Aws;
using Irsa.Core.Caching;
using Irsa.Core.Security;
using Irsa.Iam.Common;
using Irsa.Storage;

namespace Irsa.Iam.Accounts;

/// <summary>Long-term (<c>AKIA</c>) access keys: creation, and the lookup SigV4 verification needs.</summary>
public sealed class AccessKeys(IDocumentStore store, SecretProtector protector)
{
    /// <summary>The <see cref="SecretProtector"/> purpose bound to stored secret access keys.</summary>
    public const string SecretPurpose = "iam/access-key";

    /// <summary>
    /// Keys found before, with the exact stored documents they were built from. The store answers repeated reads with the
    /// same document object until a write replaces it, so a hit whose documents are still those objects skips the JSON
    /// and the decryption; any change to the key or its user is a new object, and a miss. Only found keys are kept.
    /// </summary>
    private readonly BoundedCache<string, FoundKey> _found = new(1024);

    /// <summary>
    /// Finds an active access key and decrypts its secret, for signature verification; <c>null</c> when the key
    /// does not exist or is inactive (the caller answers <c>InvalidClientTokenId</c>).
    /// </summary>
    public async Task<AccessKeyCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        if (!accessKeyId.StartsWith("AKIA", StringComparison.Ordinal))
        {
            return null;
        }

        var keyDocument = await store.GetAsync(IamCollections.AccessKeys, accessKeyId, cancellationToken);
        if (keyDocument is null)
        {
            return null;
        }

        if (_found.TryGetValue(accessKeyId, out var found) && ReferenceEquals(found.Key, keyDocument)
            && ReferenceEquals(found.User, await store.GetAsync(IamCollections.Users, found.UserKey, cancellationToken)))
        {
            return found.Credential;
        }

        var key = keyDocument.Read<AccessKeyRecord>();
        if (key is not { Status: "Active" })
        {
            return null;
        }

        var userKey = IamCollections.NameKey(key.AccountId, key.UserName);
        var userDocument = await store.GetAsync(IamCollections.Users, userKey, cancellationToken);
        if (userDocument is null || userDocument.Read<UserRecord>() is not { } user)
        {
            return null;
        }

        var credential = new AccessKeyCredential(key.AccessKeyId, protector.UnprotectString(key.ProtectedSecret, SecretPurpose),
            key.AccountId, user.UserName, user.UserId, user.Arn);
        _found.Set(accessKeyId, new FoundKey(keyDocument, userKey, userDocument, credential));
        return credential;
    }

    /// <summary>A found key and the stored documents it was built from.</summary>
    private sealed record FoundKey(StoredDocument Key, string UserKey, StoredDocument User, AccessKeyCredential Credential);

    internal static async Task<(AccessKeyRecord Record, string Secret)> CreateAsync(IDocumentSession session, SecretProtector protector,
        string accountId, string userName, DateTimeOffset now)
    {
        var secret = AwsIds.NewSecretAccessKey();
        var record = new AccessKeyRecord
        {
            AccessKeyId = AwsIds.NewAccessKeyId(),
            AccountId = accountId,
            UserName = userName,
            ProtectedSecret = protector.ProtectString(secret, SecretPurpose),
            CreateDate = now,
        };
        await session.PutAsync(IamCollections.AccessKeys, record.AccessKeyId, record, expectedVersion: 0);
        return (record, secret);
    }
}

/// <summary>An active long-term access key with its decrypted secret and the IAM user it belongs to.</summary>
/// <remarks>Note: <see cref="ToString"/> is overridden so the secret never reaches a log by accident.</remarks>
public sealed record AccessKeyCredential(string AccessKeyId, string SecretAccessKey, string AccountId, string UserName, string UserId, string UserArn)
{
    /// <summary>The caller identity of a request signed with this key.</summary>
    public CallerIdentity ToCallerIdentity() => CallerIdentity.ForUser(AccountId, UserArn, UserName, UserId);

    public override string ToString() => $"AccessKeyCredential {{ AccessKeyId = {AccessKeyId}, UserArn = {UserArn} }}";
}
