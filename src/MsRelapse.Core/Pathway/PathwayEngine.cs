using System.Reflection;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// The relapse pathway (clinical.md, knowledge base 2026.2): pure and deterministic. Same record and
/// <c>asOf</c> → the same result, byte for byte; no clock, no I/O.
/// </summary>
public static class PathwayEngine
{
    /// <summary>The knowledge base the rules encode.</summary>
    public const string KnowledgeBaseVersion = "2026.2";

    /// <summary>The engine version, from the assembly's informational version (build metadata after '+' dropped).</summary>
    public static string EngineVersion { get; } = ReadVersion();

    /// <summary>
    /// Evaluates one patient's record at <paramref name="asOf"/>: R0 validation first (errors and no
    /// recommendation when the input is impossible), then R1–R9 in the evaluation order of clinical.md.
    /// Facts dated after <paramref name="asOf"/> are ignored.
    /// </summary>
    public static EvaluationResult Evaluate(PatientRecord record, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Orchestrator.Run(record, asOf);
    }

    private static string ReadVersion()
    {
        var informational = typeof(PathwayEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return typeof(PathwayEngine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
