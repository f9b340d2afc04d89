using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// A value, or the problem response that stops the request: the one shape every edge step (body reading, query
/// parsing, bundle editing) returns instead of throwing. <see cref="TryGet"/> hands out one or the other, never both,
/// with the compiler knowing which is set (no <c>!</c> at the call site).
/// </summary>
/// <typeparam name="T">What the step produces when it succeeds.</typeparam>
public readonly struct Outcome<T>
{
    private readonly T? value;
    private readonly ProblemHttpResult? problem;

    private Outcome(T? value, ProblemHttpResult? problem)
    {
        this.value = value;
        this.problem = problem;
    }

    /// <summary>The step succeeded with <paramref name="value"/>.</summary>
    public static Outcome<T> Ok(T value) => new(value, null);

    /// <summary>The step failed; <paramref name="problem"/> is the answer to send.</summary>
    public static Outcome<T> Fail(ProblemHttpResult problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(default, problem);
    }

    /// <summary>A failed outcome converts from its problem, so a step can <c>return Problems.X(…)</c>.</summary>
    public static implicit operator Outcome<T>(ProblemHttpResult problem) => Fail(problem);

    /// <summary>True with the value, or false with the problem.</summary>
    public bool TryGet([NotNullWhen(true)] out T? result, [NotNullWhen(false)] out ProblemHttpResult? failure)
    {
        result = value;
        failure = problem;
        return problem is null && value is not null;
    }
}
