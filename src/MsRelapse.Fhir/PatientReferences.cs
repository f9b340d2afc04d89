namespace MsRelapse.Fhir;

/// <summary>
/// Patient references as the reader reads them: the one definition of "which patient does this reference name",
/// shared by the Bundle reader's one-patient check and the screening partitioner (so that a patient's resources
/// meet in one partition exactly when a Bundle of them would be one patient's record).
/// </summary>
public static class PatientReferences
{
    /// <summary>
    /// The id part of a patient reference: <c>Patient/x</c>, <c>http://…/Patient/x/_history/2</c>,
    /// <c>urn:uuid:x</c> (and <c>urn:oid:x</c>) all give <c>x</c>; null when the reference names no patient.
    /// </summary>
    public static string? KeyOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase))
        {
            return reference[(reference.LastIndexOf(':') + 1)..];
        }

        var at = reference.LastIndexOf("Patient/", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = reference[(at + "Patient/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? rest : rest[..slash];
    }
}
