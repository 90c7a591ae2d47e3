namespace Campaigns.TencentCall.Errors;

/// <summary>
/// A failed Tencent request. Messages are built by this library and never hold the UserSig, the
/// SecretKey or a request URL; inner exceptions are not attached because their messages might.
/// Every constructor takes a <see cref="TencentErrorKind"/>: no error is made retryable (or not) by default.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1032:Implement standard exception constructors",
    Justification = "A message-only constructor would have to invent a Kind; every error must be classified on purpose.")]
public class TencentCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TencentCallException(
        string message,
        TencentErrorKind kind,
        TencentApi api,
        ApiGeneration generation,
        long? errorCode = null,
        string? errorInfo = null,
        string? requestId = null,
        bool requestMayHaveTakenEffect = false,
        string? callId = null)
        : base(message)
    {
        CallId = callId;
        Kind = kind;
        Api = api;
        Generation = generation;
        ErrorCode = errorCode;
        ErrorInfo = errorInfo;
        RequestId = requestId;
        RequestMayHaveTakenEffect = requestMayHaveTakenEffect;
    }

    /// <summary>What the caller should do.</summary>
    public TencentErrorKind Kind { get; }

    /// <summary>The API that failed.</summary>
    public TencentApi Api { get; }

    /// <summary>The envelope generation the code belongs to.</summary>
    public ApiGeneration Generation { get; }

    /// <summary>The vendor's code, or null for transport faults.</summary>
    public long? ErrorCode { get; }

    /// <summary>The vendor's ErrorInfo / errorMessage.</summary>
    public string? ErrorInfo { get; }

    /// <summary>The vendor's request id, for support tickets.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// True when the request was sent and no answer was read (timeout, reset, 5xx from a proxy): for
    /// <c>start_call_by_robot</c> the call may have been placed, so a blind retry could ring twice.
    /// </summary>
    public bool RequestMayHaveTakenEffect { get; }

    /// <summary>
    /// The CallId when the vendor gave one with an answer the client cannot use (a start answered
    /// without <c>CallResult</c>): the call was placed, so watch it by this id instead of starting it again.
    /// </summary>
    public string? CallId { get; }

    /// <summary>Whether trying the same request again may succeed.</summary>
    public bool IsTransient => Kind is TencentErrorKind.Retryable or TencentErrorKind.RateLimited or TencentErrorKind.NotFoundYet;
}

/// <summary>A request refused before sending because it breaks the documented rules.</summary>
public sealed class TencentCallValidationException : TencentCallException
{
    /// <summary>Creates the exception from the problems found.</summary>
    public TencentCallValidationException(TencentApi api, IReadOnlyList<Validation.ValidationProblem> problems)
        : base(
            "invalid request: " + string.Join("; ", problems.Select(p => p.ToString())),
            TencentErrorKind.Invalid,
            api,
            ApiGeneration.V4)
    {
        Problems = problems;
    }

    /// <summary>Every rule the request breaks.</summary>
    public IReadOnlyList<Validation.ValidationProblem> Problems { get; }
}
