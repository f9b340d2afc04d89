namespace MsRelapse.Core.Model;

/// <summary>
/// Where a fact came from, so an error or a rationale can point at it: the resource ("Observation/hct-1")
/// and, where it matters, the element path ("Observation.valueQuantity").
/// </summary>
/// <param name="Resource">Resource type and id as the adapter knows it (never a patient name).</param>
/// <param name="Path">Element path within the resource, when one element is meant.</param>
public sealed record SourceRef(string Resource, string? Path = null)
{
    /// <summary>A fact made by hand (tests, the calculators' callers) rather than read from a record.</summary>
    public static SourceRef None { get; } = new("(none)");

    /// <summary>The same resource, another element.</summary>
    public SourceRef At(string path) => this with { Path = path };

    /// <inheritdoc />
    public override string ToString() => Path is null ? Resource : $"{Resource} ({Path})";
}

/// <summary>
/// A problem with the input that makes a recommendation impossible (R0), or that an adapter found while
/// reading: a stable <paramref name="Code"/>, a message a clinician understands, and where it is.
/// </summary>
/// <param name="Code">Stable machine code, e.g. <c>value-out-of-range</c>, <c>unknown-unit</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
/// <param name="Source">The resource and element path, when the problem is in one place.</param>
public sealed record InputError(string Code, string Message, SourceRef? Source = null)
{
    /// <inheritdoc />
    public override string ToString() => Source is null ? Message : $"{Source}: {Message}";
}
