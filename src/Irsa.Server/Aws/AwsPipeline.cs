using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Iam.Authorization;
using Irsa.Policy;
using Irsa.Server.Security;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Irsa.Sts.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
        // 1. Read: the request line and headers once; then the body, bounded by what the caller could be allowed before
        //    anything is verified, unless the row streams its own (S3 objects, claimed by host or credential scope).
        var request = state.Request = AwsRequest.From(context, AwsIds.NewRequestId(), time.GetUtcNow());
        var streaming = operations.ResolveStreaming(request);
        byte[]? body = [];
        if (streaming is null)
        {
            body = await BoundedBody.ReadAsync(context.Request, request.IsSigned ? AwsOperation.SignedBodyLimit : AwsOperation.UnsignedBodyLimit,
                context.RequestAborted);
            request.Body = body ?? [];
        }

        // 2. Resolve the operation (the row decides the dialect, the auth kind, the limits and the handler).
        var (operation, pathValues) = streaming ?? operations.Resolve(request);
        state.Operation = operation;
        var call = state.Call = new AwsCall(request, operation, pathValues, context.RequestAborted)
        {
            Body = operation.StreamsBody ? context.Request.Body : Stream.Null,
        };
        call.AuthorizeAsync = (target, action, cancellationToken) => DecideAsync(call, target, action, cancellationToken);
        if (body is null || (!operation.StreamsBody && request.Body.Length > operation.MaxBodyBytes))
        {
            // AWS's front ends answer an oversized request with HTTP 413 before the service sees it.
            state.Result = operation.Dialect.Spell(new AwsError("RequestEntityTooLarge", "Request body is too large for this operation.", 413));
            return;
        }

        if (operation.StreamsBody && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // The handler bounds what it stores (S3: 5 GiB a PUT); the server-wide cap is for buffered protocols.
            size.MaxRequestBodySize = AwsOperation.StreamedBodyLimit;
        }

        state.RequestParameters = operation.RecordParameters is { } recorded ? recorded(call) : AwsRequestParameters.From(request, operation, pathValues);

        // 3. Authenticate.
        if (operation.Auth == AwsAuthKind.SigV4)
        {
            if (!request.IsSigned)
            {
                state.Result = operation.Dialect.Spell(AwsError.MissingAuthenticationToken());
                return;
            }

            var authentication = await authenticator.AuthenticateAsync(request, operation.StreamsBody, context.RequestAborted);
            state.AccessKeyId = authentication.AccessKeyId;
            if (authentication.Error is { } authError)
            {
                state.Result = operation.Dialect.Spell(authError);
                return;
            }

            call.Caller = authentication.Caller;
            call.Signature = authentication.Signature;
            if (authentication.Caller is { } caller && SessionTokenLimits.Refusal(caller, operation.Service, operation.Name) is { } limited)
            {
                // GetSessionToken credentials: refused before any policy is read, as AWS refuses them.
                state.Result = operation.Dialect.Spell(limited);
                return;
            }
        }

        // 4. Authorize: the canonical resource with the request's condition keys, through the policy engine. Resolving the
        //    target may itself answer (S3: a missing bucket is NoSuchBucket before any decision).
        if (operation.IamAction is { } action && call.Caller is not null)
        {
            try
            {
                state.Target = call.Target = operation.ResolveTarget is null ? AwsTarget.Any : await operation.ResolveTarget(call);
            }
            catch (AwsErrorException error)
            {
                state.Result = operation.Dialect.Spell(error.Error);
                return;
            }

            var decision = await DecideAsync(call, state.Target, action, context.RequestAborted);
            if (!decision.Allowed)
            {
                state.Result = AwsResult.Fail(decision.Denied!, decision.Explanation);
                return;
            }
        }

        // 5. Execute.
        state.Result = await ExecuteAsync(call);
    }

    /// <summary>One decision for the call's caller: <paramref name="action"/> on the target, with the request's keys.</summary>
    private async Task<AwsDecision> DecideAsync(AwsCall call, AwsTarget target, string action, CancellationToken cancellationToken)
    {
        var keys = SourceContext.For(call.Request);
        foreach (var (key, value) in target.ConditionKeys)
        {
            keys[key] = value;
        }

        var outcome = await authorizer.AuthorizeAsync(call.RequiredCaller, action, target.ResourceArn, keys, target.ResourcePolicy, target.ResourceAccount,
            cancellationToken);
        return outcome.ToAccessDenied(quoteResource: call.Operation.Service == "s3") is { } denied
            ? new AwsDecision(false, call.Operation.Dialect.Spell(denied), Explain(outcome))
            : new AwsDecision(true, null, null);
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
        // The authorized resource, the others the handler touched, then the prefixes it listed.
        var arns = result.Resources.Prepend(state.Target?.ResourceArn ?? string.Empty).Distinct(StringComparer.Ordinal)
            .Select(arn => (Arn: arn, IsPrefix: false))
            .Concat(result.ResourcePrefixes.Select(prefix => (Arn: prefix, IsPrefix: true)));
        var resources = new List<AwsResourceRecord>();
        foreach (var (arn, isPrefix) in arns)
        {
            if (AwsResourceRecord.For(arn, state.Target?.ResourceAccount) is { } resource)
            {
                resources.Add(resource with { IsPrefix = isPrefix });
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
            AdditionalEventData = result.AdditionalEventData,
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
        var requestId = state.Request?.RequestId ?? AwsIds.NewRequestId();
        var result = state.Result ?? AwsError.InternalFailure();
        var reply = result.Error is { } error ? operation.Dialect.Render(error, requestId) : result.Reply!;
        var response = context.Response;
        response.StatusCode = reply.StatusCode;
        response.ContentType = reply.ContentType;
        foreach (var (name, value) in operation.Dialect.RequestIdHeaders(requestId).Concat(reply.Headers))
        {
            response.Headers[name] = value;
        }

        // A client that sent "Expect: 100-continue" and is answered before its body was read never sends that body: the
        // connection closes after the answer (RFC 9110 §10.1.1) rather than reading its next request as this body.
        if (state.Call?.Operation.StreamsBody == true && reply.StatusCode >= 300
            && context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.Connection = "close";
        }

        // 204 and 304 have no body at all; HEAD answers carry the length of what GET would send, and no body (S3's errors
        // to HEAD have none either).
        if (reply.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return;
        }

        var head = HttpMethods.IsHead(context.Request.Method);
        response.ContentLength = head && result.Error is not null ? 0 : reply.ContentLength;
        if (head)
        {
            return;
        }

        if (reply.Writer is { } writer)
        {
            await writer(response.Body, context.RequestAborted);
        }
        else
        {
            await response.Body.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

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
