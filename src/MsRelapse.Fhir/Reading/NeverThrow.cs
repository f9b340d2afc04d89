namespace MsRelapse.Fhir;

/// <summary>
/// The reader's one catch-all. The readers promise never to throw on any input (a property test holds them to it):
/// the input is untrusted, and Firely (or a malformed element) can raise any exception from deep inside a parse or
/// a property getter. Every place that must turn "anything went wrong here" into an error of the input goes through
/// <see cref="Run{T}"/>, so the justification is written once. Out-of-memory is never swallowed.
/// </summary>
internal static class NeverThrow
{
    /// <summary>Runs <paramref name="work"/>; any exception but out-of-memory becomes <paramref name="onFailure"/>'s answer.</summary>
    public static T Run<T>(Func<T> work, Func<Exception, T> onFailure) =>
        Run(work, static work => work(), onFailure, static (onFailure, ex) => onFailure(ex));

    /// <summary>
    /// <see cref="Run{T}"/> with state for both delegates, so that static lambdas allocate nothing: what the reader
    /// runs once per resource.
    /// </summary>
    public static T Run<TState, TContext, T>(TState state, Func<TState, T> work, TContext context, Func<TContext, Exception, T> onFailure)
    {
        try
        {
            return work(state);
        }
#pragma warning disable CA1031 // The single catch-all of the reader (see the class summary).
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return onFailure(context, ex);
        }
    }

    /// <summary>A value that may throw to get (Firely overflow): the value, or default with <paramref name="failed"/> set.</summary>
    public static T? Get<T>(Func<T?> get, out bool failed)
    {
        var broken = false;
        var value = Run(get, _ =>
        {
            broken = true;
            return default;
        });
        failed = broken;
        return value;
    }
}
