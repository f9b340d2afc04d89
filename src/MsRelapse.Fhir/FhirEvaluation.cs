using Hl7.Fhir.Model;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Fhir;

/// <summary>
/// The one call the CLI, the HTTP service and the vignette tests make: a FHIR Bundle in, the pathway's
/// recommendation (or the errors that prevent one) out. Reading errors stop before the engine; otherwise the
/// engine's R0 errors are returned as they are.
/// </summary>
public static class FhirEvaluation
{
    /// <summary>Reads the Bundle and evaluates it at <paramref name="asOf"/>.</summary>
    public static FhirEvaluationOutcome Evaluate(string bundleJson, DateOnly asOf) => Evaluate(FhirRecordReader.Read(bundleJson), asOf);

    /// <summary>Reads the Bundle from UTF-8 JSON (see <see cref="FhirRecordReader.Read(byte[])"/>) and evaluates it at <paramref name="asOf"/>.</summary>
    public static FhirEvaluationOutcome Evaluate(byte[] utf8BundleJson, DateOnly asOf) => Evaluate(FhirRecordReader.Read(utf8BundleJson), asOf);

    /// <summary>Reads an already parsed Bundle and evaluates it at <paramref name="asOf"/>.</summary>
    public static FhirEvaluationOutcome Evaluate(Bundle bundle, DateOnly asOf) => Evaluate(FhirRecordReader.Read(bundle), asOf);

    /// <summary>Evaluates what a reader read (e.g. <see cref="Utf8RecordReader"/>) at <paramref name="asOf"/>.</summary>
    public static FhirEvaluationOutcome Evaluate(FhirReadResult read, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Errors.Count > 0 || read.Record is null)
        {
            return new FhirEvaluationOutcome(null, read.Errors, read.Record);
        }

        var result = PathwayEngine.Evaluate(read.Record, asOf);
        return new FhirEvaluationOutcome(result.Recommendation, result.Errors, read.Record);
    }
}

/// <summary>The recommendation, or the errors that prevent one, and the record that was read.</summary>
/// <param name="Recommendation">The engine's recommendation; null when the input was refused.</param>
/// <param name="Errors">Reading errors, else the engine's R0 errors.</param>
/// <param name="Record">The record read from the Bundle (null when it could not be read).</param>
public sealed record FhirEvaluationOutcome(Recommendation? Recommendation, IReadOnlyList<InputError> Errors, PatientRecord? Record)
{
    /// <summary>True when there is a recommendation and no error.</summary>
    public bool IsValid => Recommendation is not null && Errors.Count == 0;
}
