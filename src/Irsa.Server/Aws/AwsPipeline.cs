using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Iam.Authorization;
using Irsa.Policy;
using Irsa.Server.Security;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Irsa.Server.Aws;

/// <summary>
/// Every AWS call, in order: read (bounded body) → resolve the operation → authenticate once → authorize once →
/// execute → audit → respond. Errors of every step travel as <see cref="AwsError"/> values and are rendered in one
/// place, in the operation's dialect; an unexpected exception becomes <c>InternalFailure</c>.
/// </summary>
public sealed class AwsPipeline(
    AwsOperations operations,
    RequestAuthenticator authenticator,
    Authorizer authorizer,
    IAwsCallAudit audit,
    TimeProvider time,
    ILogger<AwsPipeline> logger)
{
    /// <summary>Attempts of a write that loses a race with another write before answering <c>ConcurrentModification</c>.</summary>
    private const int ConflictAttempts = 3;

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var activity = IrsaTelemetry.StartAwsCall();
        var started = time.GetTimestamp();
        var state = new CallState();
        try
        {
            await RunAsync(context, state);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception)
        {
            // Logged for the operator; the caller only learns the request id (never a message or stack derived from it).
            AwsLog.Unexpected(logger, exception, state.Request?.RequestId, state.Operation?.Name);
            state.Result = AwsError.InternalFailure();
        }

        // The audit is awaited before answering, so a durable trail never misses a call the client saw answered.
        var record = Record(state);
        try
        {
            await audit.RecordAsync(record, context.RequestAborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A call whose record could not be committed is not answered as done: the caller sees a retryable
            // InternalFailure (the handler's effect, if any, stays, as after any failure past the commit point).
            AwsLog.Unexpected(logger, exception, state.Request?.RequestId, "audit of " + record.Operation.Name);
            state.Result = AwsError.InternalFailure();
        }

        IrsaTelemetry.AwsCallAnswered(activity, record, time.GetElapsedTime(started), logger);
        await RespondAsync(context, state);
    }

    private async Task RunAsync(HttpContext context, CallState state)
    {
        // 1. Read: the body, bounded by what the caller could be allowed before anything is verified.
        var limit = IsSigned(context.Request) ? AwsOperation.SignedBodyLimit : AwsOperation.UnsignedBodyLimit;
        var body = await BoundedBody.ReadAsync(context.Request, limit, context.RequestAborted);
        var request = state.Request = AwsRequest.From(context, body ?? [], Guid.NewGuid().ToString(), time.GetUtcNow());

        // 2. Resolve the operation (the row decides the dialect, the auth kind, the limits and the handler).
        var (operation, pathValues) = operations.Resolve(request);
        state.Operation = operation;
        var call = state.Call = new AwsCall(request, operation, pathValues, context.RequestAborted);
        if (body is null || request.Body.Length > operation.MaxBodyBytes)
        {
            // AWS's front ends answer an oversized request with HTTP 413 before the service sees it.
            state.Result = operation.Dialect.Spell(new AwsError("RequestEntityTooLarge", "Request body is too large for this operation.", 413));
            return;
        }

        state.RequestParameters = AwsRequestParameters.From(request, operation, pathValues);

        // 3. Authenticate.
        if (operation.Auth == AwsAuthKind.SigV4)
        {
            if (!request.IsSigned)
            {
                state.Result = operation.Dialect.Spell(AwsError.MissingAuthenticationToken());
                return;
            }

            var authentication = await authenticator.AuthenticateAsync(request, context.RequestAborted);
            state.AccessKeyId = authentication.AccessKeyId;
            if (authentication.Error is { } authError)
            {
                state.Result = operation.Dialect.Spell(authError);
                return;
            }

            call.Caller = authentication.Caller;
        }

        // 4. Authorize: the canonical resource with the request's condition keys, through the policy engine.
        if (operation.IamAction is { } action && call.Caller is { } caller)
        {
            var target = operation.ResolveTarget is null ? AwsTarget.Any : await operation.ResolveTarget(call);
            state.Target = target;
            var keys = SourceContext.For(request);
            foreach (var (key, value) in target.ConditionKeys)
            {
                keys[key] = value;
            }

            var outcome = await authorizer.AuthorizeAsync(caller, action, target.ResourceArn, keys, cancellationToken: context.RequestAborted);
            if (outcome.ToAccessDenied() is { } denied)
            {
                state.Result = AwsResult.Fail(operation.Dialect.Spell(denied), Explain(outcome));
                return;
            }
        }

        // 5. Execute.
        state.Result = await ExecuteAsync(call);
    }

    private static async Task<AwsResult> ExecuteAsync(AwsCall call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call.Operation.Handler(call);
            }
            catch (AwsErrorException error)
            {
                return call.Operation.Dialect.Spell(error.Error);
            }
            catch (ConcurrencyConflictException) when (!call.Operation.ReadOnly)
            {
                // Another write changed the document between read and write; the transaction rolled back, so the
                // whole handler can run again. After a few attempts AWS's answer for a contended entity is returned.
                if (attempt == ConflictAttempts)
                {
                    return new AwsError("ConcurrentModification",
                        "The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.",
                        409);
                }
            }
        }
    }

    /// <summary>The operator's explanation of a denial (the policy engine's own); the client only sees AWS's <c>AccessDenied</c> text.</summary>
    private static Explanation Explain(AuthorizationOutcome outcome) => outcome.Explanation
        ?? Explanation.Of(outcome.Decision == PolicyDecision.ExplicitDeny ? "ExplicitDeny" : "NoAllow",
            $"{outcome.PrincipalArn} may not perform {outcome.Action} on {outcome.ResourceArn}.");

    private static AwsCallRecord Record(CallState state)
    {
        var request = state.Request;
        var operation = state.Operation ?? AwsOperations.Unresolved;
        var result = state.Result ?? AwsError.InternalFailure();
        var error = result.Error;
        var caller = state.Call?.Caller;
        var resources = new List<AwsResourceRecord>();
        foreach (var arn in result.Resources.Prepend(state.Target?.ResourceArn ?? string.Empty).Distinct(StringComparer.Ordinal))
        {
            if (AwsResourceRecord.For(arn) is { } resource)
            {
                resources.Add(resource);
            }
        }

        return new AwsCallRecord
        {
            Operation = operation,
            RequestId = request?.RequestId ?? string.Empty,
            EventTime = request?.EventTime ?? DateTimeOffset.UnixEpoch,
            SourceIp = request?.SourceIp?.ToString(),
            UserAgent = request?.UserAgent,
            IsTls = request?.IsTls ?? false,
            Caller = caller,
            AccessKeyId = state.AccessKeyId,
            RequestParameters = state.RequestParameters,
            ResponseElements = error is null ? result.ResponseElements : null,
            Resources = resources,
            RecipientAccountId = caller?.AccountId ?? result.IssuedSession?.AccountId ?? resources.FirstOrDefault()?.AccountId,
            StatusCode = error?.StatusCode ?? result.Reply?.StatusCode ?? 200,
            ErrorCode = error?.Code,
            ErrorMessage = error?.Message,
            Explanation = result.Explanation,
            IssuedSession = result.IssuedSession,
            WebIdentityCaller = result.WebIdentityCaller,
        };
    }

    private static async Task RespondAsync(HttpContext context, CallState state)
    {
        var operation = state.Operation ?? AwsOperations.Unresolved;
        var requestId = state.Request?.RequestId ?? Guid.NewGuid().ToString();
        var result = state.Result ?? AwsError.InternalFailure();
        var reply = result.Error is { } error ? operation.Dialect.Render(error, requestId) : result.Reply!;
        var response = context.Response;
        response.StatusCode = reply.StatusCode;
        response.ContentType = reply.ContentType;
        response.Headers["x-amzn-RequestId"] = requestId;
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers[name] = value;
        }

        response.ContentLength = reply.Body.Length;
        await response.Body.WriteAsync(reply.Body, context.RequestAborted);
    }

    private static bool IsSigned(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("AWS4-", StringComparison.Ordinal) || request.Query.ContainsKey("X-Amz-Credential");

    /// <summary>What the steps learned so far; the audit record and the response are built from it whatever step stopped.</summary>
    private sealed class CallState
    {
        public AwsRequest? Request { get; set; }

        public AwsOperation? Operation { get; set; }

        public AwsCall? Call { get; set; }

        public string? AccessKeyId { get; set; }

        public System.Text.Json.Nodes.JsonObject? RequestParameters { get; set; }

        public AwsTarget? Target { get; set; }

        public AwsResult? Result { get; set; }
    }
}
