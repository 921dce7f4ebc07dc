using Irsa.Audit.Journal;
using Irsa.Audit.Query;
using Irsa.Core.Audit;

namespace Irsa.Audit.Tests.Query;

public class AuditQueriesTests
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static PodAttribution Pod(string cluster, string ns, string sa, string pod) =>
        new("https://irsa.example/id/" + cluster, cluster, ns, sa, pod, pod + "-uid", "node-1");

    [Fact]
    public async Task Filters_by_pod_attribution_role_access_key_event_and_error()
    {
        await using var fixture = new TrailFixture(Ten);
        var trail = fixture.Trail;
        await trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(1))) { Pod = Pod("prod", "payments", "api", "api-1"), RoleArn = Samples.RoleArn });
        await trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(2))) { Pod = Pod("prod", "payments", "worker", "worker-1") });
        await trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(3)) with { ErrorCode = "AccessDenied", ErrorMessage = "no" })
        {
            Pod = Pod("dev", "web", "api", "api-2"),
        });
        await trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(4), eventName: "GetCallerIdentity")));

        async Task<int> Count(AuditFilter filter) => (await trail.Queries.QueryAsync(filter)).Events.Count;

        Assert.Equal(2, await Count(new AuditFilter { Cluster = "prod" }));
        Assert.Equal(1, await Count(new AuditFilter { Namespace = "web" }));
        Assert.Equal(2, await Count(new AuditFilter { ServiceAccount = "api" }));
        Assert.Equal(1, await Count(new AuditFilter { Pod = "worker-1" }));
        Assert.Equal(1, await Count(new AuditFilter { Pod = "api-2-uid" }));
        Assert.Equal(1, await Count(new AuditFilter { RoleArn = Samples.RoleArn }));
        Assert.Equal(1, await Count(new AuditFilter { ErrorsOnly = true }));
        Assert.Equal(1, await Count(new AuditFilter { ErrorCode = "AccessDenied" }));
        Assert.Equal(0, await Count(new AuditFilter { ErrorCode = "Throttling" }));
        Assert.Equal(1, await Count(new AuditFilter { EventName = "GetCallerIdentity" }));
        Assert.Equal(2, await Count(new AuditFilter { From = Ten.AddMinutes(2), To = Ten.AddMinutes(3) }));
        Assert.Equal(0, await Count(new AuditFilter { AccessKeyId = "ASIANONE" }));
    }

    [Fact]
    public async Task Pages_newest_first_and_reads_after_a_sequence_oldest_first()
    {
        await using var fixture = new TrailFixture(Ten);
        var sequences = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            sequences.Add(await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(i)))));
        }

        var first = await fixture.Trail.Queries.QueryAsync(new AuditFilter { Limit = 2 });
        var second = await fixture.Trail.Queries.QueryAsync(new AuditFilter { Limit = 2, Cursor = first.NextCursor });
        var third = await fixture.Trail.Queries.QueryAsync(new AuditFilter { Limit = 2, Cursor = second.NextCursor });
        var tail = await fixture.Trail.Queries.ReadAfterAsync(sequences[2]);

        Assert.Equal(sequences.AsEnumerable().Reverse(), first.Events.Concat(second.Events).Concat(third.Events).Select(e => e.Sequence));
        Assert.Null(third.NextCursor);
        Assert.Equal(sequences.Skip(3), tail.Select(e => e.Sequence));
    }

    [Fact]
    public async Task FindByRequestId_returns_the_record_and_its_explanation_rendered_in_plain_words()
    {
        await using var fixture = new TrailFixture(Ten);
        var explanation = new Explanation("TrustPolicyCondition", "The trust policy's condition on the token's subject did not match.",
            ["key irsa.example/id/ABC:sub", "expected system:serviceaccount:ns:api", "got system:serviceaccount:ns:sa"],
            [new PolicyExcerpt("trust policy of arn:aws:iam::111122223333:role/app", 9, 11,
                "\"Condition\": {\n  \"StringEquals\": {\"irsa.example/id/ABC:sub\": \"system:serviceaccount:ns:api\"}\n}")]);
        var record = Samples.AssumeRoleWithWebIdentity() with { ErrorCode = "AccessDenied", ErrorMessage = "Not authorized" };
        await fixture.Trail.AppendAsync(new AuditEntry(record) { Explanation = explanation });

        var found = await fixture.Trail.Queries.FindByRequestIdAsync(record.RequestId);

        Assert.NotNull(found);
        Assert.DoesNotContain("TrustPolicyCondition", found.Record, StringComparison.Ordinal); // beside the record, not in it
        var text = ExplanationText.Render(found.Explanation!);
        Assert.Equal(
            "The trust policy's condition on the token's subject did not match.\n" +
            "Failed check: TrustPolicyCondition\n" +
            "  - key irsa.example/id/ABC:sub\n" +
            "  - expected system:serviceaccount:ns:api\n" +
            "  - got system:serviceaccount:ns:sa\n" +
            "\n" +
            "trust policy of arn:aws:iam::111122223333:role/app, lines 9-11:\n" +
            " 9 | \"Condition\": {\n" +
            "10 |   \"StringEquals\": {\"irsa.example/id/ABC:sub\": \"system:serviceaccount:ns:api\"}\n" +
            "11 | }\n",
            text);
        Assert.Null(await fixture.Trail.Queries.FindByRequestIdAsync("no-such-request"));
    }
}
