using System.Globalization;
using System.Text.Json;
using MsRelapse.Core.Edss;

namespace MsRelapse.Synthetic;

/// <summary>
/// Simulates one patient's MS history (demographics, course, disability, attacks and their treatment, comorbidities,
/// medications, measurements, the messiness of real exports) and writes it as FHIR R4 resources coded exactly as
/// shared/fhir-profile.md reads them. One instance per thread; each patient is drawn from its own seeded generator.
/// </summary>
internal sealed partial class PatientGenerator(CohortParameters p, long seed, DateOnly asOf)
{
    // Functional-system slots: raw Kurtzke FS then the Neurostatus ambulation score.
    private const int Visual = 0, Brainstem = 1, Pyramidal = 2, Cerebellar = 3, Sensory = 4, BowelBladder = 5, Cerebral = 6, Ambulation = 7;
    private static readonly int[] FsMax = [6, 5, 6, 5, 6, 6, 5, 16];
    private static readonly string[] FsCodes = ["visual", "brainstem", "pyramidal", "cerebellar", "sensory", "bowel-bladder", "cerebral", "ambulation"];

    private const string Snomed = "http://snomed.info/sct";
    private const string Loinc = "http://loinc.org";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Atc = "http://www.whocc.no/atc";
    private const string Cpt = "http://www.ama-assn.org/go/cpt";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Msr = "http://msrelapse.org/fhir/CodeSystem/msrelapse";
    private const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    private readonly Dictionary<FunctionalKey, double> _edssCache = [];
    private SynthRandom _rng;
    private ResourceBuffers _out = null!;
    private string _patientRef = string.Empty;
    private bool _female;
    private double _ageYears;
    private DateOnly _birthDate;
    private double _weightKg;
    private double _heightCm;
    private bool _diabetic;
    private bool _heightWritten;
    private bool _heightNeverRecorded;
    private DateOnly _until;

    /// <summary>Generates patient <paramref name="index"/> into <paramref name="output"/> and returns what was decided.</summary>
    public PatientSummary Generate(long index, ResourceBuffers output)
    {
        _out = output;
        _rng = SynthRandom.ForPatient(seed, index);
        _heightWritten = false;
        var id = _rng.Uuid();
        // References as Bulk Data servers write them; a few as urn:uuid (fhir-profile.md accepts both).
        _patientRef = _rng.Chance(p.UrnUuidReferenceShare) ? "urn:uuid:" + id : "Patient/" + id;

        // ---- Demographics
        _female = _rng.Chance(p.FemaleShare);
        var ageBand = _rng.Pick([p.ChildShare, p.OlderShare, 1 - p.ChildShare - p.OlderShare]);
        _ageYears = ageBand switch
        {
            0 => _rng.Uniform(10, 18),
            1 => _rng.Uniform(65, 86),
            _ => Math.Clamp(_rng.Normal(p.AdultAgeMeanYears, p.AdultAgeSdYears), 18, 64.99),
        };
        var child = _ageYears < 18;
        _birthDate = asOf.AddDays(-(int)(_ageYears * 365.25));

        // A deceased patient's history ends at death: nothing is dated after it.
        var deceased = _rng.Chance(p.DeceasedShare);
        DateOnly? deathDate = deceased ? asOf.AddDays(-_rng.Between(1, 700)) : null;
        _until = deathDate ?? asOf;
        _heightNeverRecorded = _rng.Chance(p.HeightNeverRecordedShare);

        var ageAtEnd = (_until.DayNumber - _birthDate.DayNumber) / 365.25;
        var onsetAge = OnsetAge(child, ageAtEnd);
        var durationYears = ageAtEnd - onsetAge;
        var diagnosisDate = _until.AddDays(-(int)(durationYears * 365.25));
        var course = child ? SynthCourse.RelapsingRemitting
            : _rng.Chance(p.PrimaryProgressiveShare) ? SynthCourse.PrimaryProgressive
            : _rng.Chance(durationYears >= 10 ? p.SecondaryProgressiveShareAfter10Years : p.SecondaryProgressiveShareBefore10Years) ? SynthCourse.SecondaryProgressive
            : SynthCourse.RelapsingRemitting;
        (_weightKg, _heightCm) = Body(child);

        var aqp4 = _rng.Chance(p.Aqp4PositiveShare);
        var mog = !aqp4 && _rng.Chance(p.MogPositiveShare);
        var older = _ageYears >= 65;
        _diabetic = !child && _rng.Chance(p.DiabetesShare);
        var psychiatric = !child && _rng.Chance(p.PsychiatricShare);
        var ulcer = !child && _rng.Chance(p.PepticUlcerShare);
        var ace = !child && _rng.Chance(older ? p.AceInhibitorShareByAge[1] : p.AceInhibitorShareByAge[0]);
        var anticoagulant = !child && _rng.Chance(p.AnticoagulantShare);
        var nsaid = _rng.Chance(p.NsaidShare);
        var dmtPick = course == SynthCourse.RelapsingRemitting
            ? _rng.Pick([p.NatalizumabShare, p.InterferonShare, p.OtherDmtShare, 1 - p.NatalizumabShare - p.InterferonShare - p.OtherDmtShare])
            : 3;
        var pregnant = _female && !deceased && _ageYears is >= 18 and < 46 && _rng.Chance(p.PregnantShare);
        var enteredInError = _rng.Chance(p.EnteredInErrorShare);
        var defect = _rng.Chance(p.InvalidRecordShare) ? (SynthDefect)_rng.Between(1, 3) : SynthDefect.None;
        var malformed = _rng.Chance(p.MalformedLineShare);

        // ---- Patient and the chronic facts
        WritePatient(id, deathDate);
        WriteDiagnosis(course, diagnosisDate);
        if (_diabetic)
        {
            WriteCondition(Snomed, "44054006", "Diabetes mellitus type 2 (disorder)", RandomPast(15), null, "active");
        }

        if (psychiatric)
        {
            var bipolar = _rng.Chance(0.6);
            WriteCondition(Snomed, bipolar ? "13746004" : "69322001", bipolar ? "Bipolar disorder (disorder)" : "Psychotic disorder (disorder)",
                RandomPast(20), null, _rng.Chance(0.5) ? "active" : "inactive");
        }

        if (ulcer)
        {
            WriteCondition(Snomed, "13200003", "Peptic ulcer (disorder)", RandomPast(8), null, _rng.Chance(0.6) ? "active" : "resolved");
        }

        if (ace)
        {
            // Hypertension (Synthea's SNOMED code; the pathway does not read it) and the ACE inhibitor it is treated with.
            WriteCondition(Snomed, "59621000", "Essential hypertension (disorder)", RandomPast(12), null, "active");
            WriteAceInhibitor();
        }

        if (anticoagulant)
        {
            var warfarin = _rng.Chance(p.WarfarinOfAnticoagulantShare);
            WriteMedicationStatement(RxNorm, warfarin ? "11289" : "1364430", warfarin ? "warfarin" : "apixaban", null, ActiveOrStale(), RandomPast(5));
        }

        if (nsaid)
        {
            // Written as a clinical drug in text only: recognised by the ingredient's name (fhir-profile.md).
            WriteMedicationStatement(null, null, null, _rng.Chance(0.5) ? "Ibuprofen 400 MG Oral Tablet" : "Naproxen sodium 220 MG Oral Tablet", ActiveOrStale(), RandomPast(3));
        }

        switch (dmtPick)
        {
            case 0:
                WriteNatalizumab();
                break;
            case 1:
                WriteMedicationStatement(Atc, "L03AB07", "interferon beta-1a", null, ActiveOrStale(), RandomPast(6));
                break;
            case 2:
                var (atc, name) = _rng.Pick(p.OtherDmtWeights) switch
                {
                    0 => ("L04AG08", "ocrelizumab"),
                    1 => ("L04AE01", "fingolimod"),
                    _ => ("L04AX07", "dimethyl fumarate"),
                };
                WriteMedicationStatement(Atc, atc, name, null, ActiveOrStale(), RandomPast(6));
                break;
        }

        if (_rng.Chance(p.SteroidAllergyShare))
        {
            WriteAllergy(RxNorm, "6902", "methylprednisolone");
        }

        if (_rng.Chance(p.AlbuminAllergyShare))
        {
            WriteAllergy(Msr, "albumin", "albumin");
        }

        WriteAntibodies(aqp4, mog);

        DateOnly? pregnancyOnset = null;
        var daysSince18 = asOf.DayNumber - _birthDate.AddYears(18).DayNumber;
        if (pregnant && daysSince18 >= 20)
        {
            // Onset within the 300-day recency window, and not before her 18th birthday.
            pregnancyOnset = asOf.AddDays(-_rng.Between(20, Math.Min(270, daysSince18)));
            WritePregnancy(pregnancyOnset.Value);
        }
        else if (_female && !pregnant && _rng.Chance(p.StalePregnancyShare))
        {
            // An old pregnancy never closed on the problem list: older than the 300-day recency window, begun while she
            // was 18–45 (none if she was never that age 400–3000 days ago).
            var newest = Math.Max(400, _until.DayNumber - _birthDate.AddYears(46).DayNumber + 1);
            var oldest = Math.Min(3000, _until.DayNumber - _birthDate.AddYears(18).DayNumber);
            if (newest <= oldest)
            {
                WriteCondition(Snomed, "72892002", "Normal pregnancy (finding)", _until.AddDays(-_rng.Between(newest, oldest)), null, "active");
            }
        }

        pregnant = pregnancyOnset is not null;

        // A birth in the last year, and whether she breastfeeds (R9 `breastfeeding`): from a stream of its own (see
        // CohortParameters.PostpartumShare), drawn for every patient; the observation is written last (its id comes from
        // the patient's stream), so that nothing else depends on it.
        var postpartum = SynthRandom.ForPatient(seed ^ PostpartumStream, index);
        var birthDaysAgo = postpartum.Between(7, 365);
        var breastfeeding = postpartum.Chance(p.BreastfeedingShare);
        var askedAfterDays = postpartum.Between(1, 42);
        DateOnly? gaveBirth = _female && !pregnant && !deceased && _ageYears is >= 18 and < 46 && birthDaysAgo <= daysSince18 && postpartum.Chance(p.PostpartumShare)
            ? asOf.AddDays(-birthDaysAgo)
            : null;

        // ---- Timeline: routine visits and attacks over the exported history (ending at death for the deceased)
        var historyStart = Max(_until.AddDays(-365 * p.HistoryYears), diagnosisDate);
        var historyDays = _until.DayNumber - historyStart.DayNumber;
        WriteHistoryInfections(historyStart, historyDays);

        var fs = BaselineFunctionalSystems(course, durationYears);
        var rate = child ? p.RelapseRatePerYearChild
            : course == SynthCourse.RelapsingRemitting ? p.RelapseRatePerYearRelapsing
            : p.RelapseRatePerYearProgressive;
        var meanGapDays = 365.0 / rate;

        // The next onset (Poisson, thinned in pregnancy) after day `from` of the history; null past its end.
        DateOnly? NextOnset(ref double from)
        {
            while (true)
            {
                from += _rng.Exponential(meanGapDays);
                if (from >= historyDays)
                {
                    return null;
                }

                var onset = historyStart.AddDays((int)from);
                if (pregnancyOnset is { } po && onset >= po && !_rng.Chance(p.PregnancyRelapseRateFactor))
                {
                    continue;
                }

                return onset;
            }
        }

        var visits = new List<DateOnly>();
        for (var t = _rng.Exponential(365.0 / p.RoutineVisitsPerYear) * 0.5; t < historyDays; t += _rng.Exponential(365.0 / p.RoutineVisitsPerYear))
        {
            visits.Add(historyStart.AddDays((int)t));
        }

        if (visits.Count == 0 && historyDays > 0)
        {
            visits.Add(historyStart.AddDays(_rng.Between(0, historyDays)));
        }

        var attacks = new List<SynthAttack>();
        var cursor = 0.0;
        var nextOnset = NextOnset(ref cursor);
        var quietUntil = DateOnly.MinValue;

        // Relapses are kept apart: the next onset is drawn from after the previous attack has settled (its last review)
        // and at least MinimumDaysBetweenRelapseOnsets after its onset, so two attacks never overlap.
        void Attack(DateOnly onset, ref int[] state)
        {
            var attack = SimulateAttack(onset, state, course, out var after, out var settled);
            attacks.Add(attack);
            state = after;
            quietUntil = settled;
            cursor = Math.Max(settled.DayNumber + 1, onset.DayNumber + p.MinimumDaysBetweenRelapseOnsets) - historyStart.DayNumber;
            nextOnset = NextOnset(ref cursor);
        }

        foreach (var visit in visits)
        {
            while (nextOnset is { } onset && onset <= visit)
            {
                Attack(onset, ref fs);
            }

            if (visit < quietUntil)
            {
                continue; // a routine review inside an attack's follow-up is that follow-up
            }

            if (course != SynthCourse.RelapsingRemitting && _rng.Chance(p.ProgressionPerReview))
            {
                fs = Progress(fs); // progression between reviews: the EDSS trajectory of progressive disease
            }

            RoutineVisit(visit, fs);
        }

        while (nextOnset is { } onset)
        {
            Attack(onset, ref fs);
        }

        if (enteredInError)
        {
            WriteEnteredInError(historyStart, historyDays);
        }

        if (defect != SynthDefect.None)
        {
            WriteDefect(defect);
        }

        if (malformed)
        {
            WriteMalformed();
        }

        if (gaveBirth is { } birth)
        {
            Qualitative(Loinc, "63895-7", "Breastfeeding status", Min(birth.AddDays(askedAfterDays), asOf), breastfeeding, "social-history");
        }

        return new PatientSummary(index, id, _female, (int)_ageYears, course, deceased, aqp4, mog, pregnant, dmtPick == 0, ace, _diabetic,
            enteredInError, defect, malformed, attacks, _weightKg, diagnosisDate, deathDate, gaveBirth, gaveBirth is not null && breastfeeding);
    }

    private (double WeightKg, double HeightCm) Body(bool child)
    {
        if (child)
        {
            return (Math.Clamp(30 + ((_ageYears - 10) * 4.5) + _rng.Normal(0, 8), 22, 110), Math.Clamp(140 + ((_ageYears - 10) * 4) + _rng.Normal(0, 7), 120, 195));
        }

        var w = _female ? p.WomanWeightKg : p.ManWeightKg;
        var h = _female ? p.WomanHeightCm : p.ManHeightCm;
        return (Math.Clamp(_rng.Normal(w[0], w[1]), 40, 180), Math.Clamp(_rng.Normal(h[0], h[1]), 140, 210));
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>Mixed into the cohort seed for the births of the last year (<see cref="CohortParameters.PostpartumShare"/>): a stream apart from the patient's.</summary>
    private const long PostpartumStream = 0x5EED_B1A7_0000_0001;

    /// <summary>A date 30 days to <paramref name="maxYears"/> years before the end of the history, never before birth.</summary>
    private DateOnly RandomPast(int maxYears)
    {
        var sinceBirth = _until.DayNumber - _birthDate.DayNumber;
        var oldest = Math.Min(365 * maxYears, sinceBirth);
        return _until.AddDays(-_rng.Between(Math.Min(30, oldest), oldest));
    }

    /// <summary>Under 18 on <paramref name="date"/> (paediatric dosing, E-PEDS-2021).</summary>
    private bool ChildOn(DateOnly date) => date < _birthDate.AddYears(18);

    /// <summary>
    /// Age at onset: children uniform over the 4 years before (not before 6); adults from the parameter's normal,
    /// resampled above the latest onset that leaves <see cref="CohortParameters.MinimumDiseaseDurationYears"/> of
    /// disease by the end of the history (a truncated normal; uniform below that bound if 50 draws all fall above it).
    /// </summary>
    private double OnsetAge(bool child, double ageAtEnd)
    {
        var latest = ageAtEnd - p.MinimumDiseaseDurationYears;
        if (child)
        {
            return _rng.Uniform(Math.Max(6, ageAtEnd - 4), latest);
        }

        var earliest = Math.Min(12, latest);
        for (var i = 0; i < 50; i++)
        {
            var age = _rng.Normal(p.OnsetAgeMeanYears, p.OnsetAgeSdYears);
            if (age <= latest)
            {
                return Math.Max(age, earliest);
            }
        }

        return _rng.Uniform(earliest, latest);
    }

    private string ActiveOrStale() => _rng.Chance(p.StaleMedicationShare) ? (_rng.Chance(0.5) ? "stopped" : "completed") : "active";

    // ---- Disability -------------------------------------------------------------------------------------------

    private readonly record struct FunctionalKey(long Packed);

    private double Edss(int[] fs)
    {
        long packed = 0;
        foreach (var v in fs)
        {
            packed = (packed * 17) + v;
        }

        var key = new FunctionalKey(packed);
        if (_edssCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var value = EdssCalculator.Score(new FunctionalSystemScores(fs[Visual], fs[Brainstem], fs[Pyramidal], fs[Cerebellar], fs[Sensory], fs[BowelBladder], fs[Cerebral], fs[Ambulation])).Value;
        if (_edssCache.Count < 100_000)
        {
            _edssCache[key] = value;
        }

        return value;
    }

    private int[] BaselineFunctionalSystems(SynthCourse course, double durationYears)
    {
        var level = course switch
        {
            SynthCourse.RelapsingRemitting => 0.05 + (durationYears * p.RelapsingDisabilityPerYear) + _rng.Normal(0, 0.08),
            SynthCourse.SecondaryProgressive => _rng.Normal(p.SecondaryProgressiveDisabilityMean, 0.12),
            _ => _rng.Normal(p.PrimaryProgressiveDisabilityMean, 0.12),
        };
        level = Math.Clamp(level, 0, course == SynthCourse.RelapsingRemitting ? 0.6 : 0.9);
        int Grade(double scale, int max) => Math.Clamp((int)Math.Round((level * scale) + _rng.Normal(0, 0.8)), 0, max);
        var fs = new[]
        {
            Grade(3, 6), Grade(3, 5), Grade(6, 6), Grade(4, 5), Grade(5, 6), Grade(4, 6), Grade(2, 5),
            level < 0.45 ? (_rng.Chance(level) ? 1 : 0) : Math.Clamp((int)Math.Round(((level - 0.45) / 0.55 * 12) + _rng.Normal(0, 1)), 0, 14),
        };
        return fs;
    }

    private int[] Progress(int[] fs)
    {
        var next = (int[])fs.Clone();
        var slot = _rng.Chance(0.5) ? Ambulation : Pyramidal;
        next[slot] = Math.Min(next[slot] + 1, slot == Ambulation ? 14 : FsMax[slot]);
        return next;
    }

    /// <summary>Worsens the functional systems until the EDSS rise reaches the severity's band (E-SEVERITY-2019).</summary>
    private int[] Worsen(int[] pre, int severity)
    {
        var baseline = Edss(pre);
        var minimumRise = severity switch { 0 => 0.5, 1 => 1.0, _ => 2.0 };
        var target = _rng.Pick(p.AttackSystemWeights);
        var fs = (int[])pre.Clone();
        // From EDSS 4.0 up the scale is walking-driven: there an attack shows mostly as a shorter walking range.
        var ambulationShare = baseline >= 4 ? 0.6 : severity == 2 ? 0.25 : 0.1;
        for (var i = 0; i < 80 && Edss(fs) - baseline < minimumRise; i++)
        {
            var u = _rng.NextDouble();
            var slot = u < ambulationShare ? Ambulation : u < ambulationShare + 0.3 ? _rng.Pick(p.AttackSystemWeights) : target;
            if (fs[slot] < (slot == Ambulation ? 14 : FsMax[slot]))
            {
                fs[slot]++;
            }
        }

        return fs;
    }

    /// <summary>Recovery: back to the pre-attack state, with one residual point in <see cref="CohortParameters.ResidualDeficitShare"/>.</summary>
    private int[] Recover(int[] pre, int[] nadir)
    {
        var fs = (int[])pre.Clone();
        if (_rng.Chance(p.ResidualDeficitShare))
        {
            for (var slot = 0; slot < fs.Length; slot++)
            {
                if (nadir[slot] > pre[slot])
                {
                    fs[slot]++;
                    break;
                }
            }
        }

        return fs;
    }

    private int[] NoImprovement(int[] nadir)
    {
        if (!_rng.Chance(p.FurtherWorseningShare))
        {
            return nadir;
        }

        var fs = (int[])nadir.Clone();
        fs[Ambulation] = Math.Min(fs[Ambulation] + 1, 14); // still worsening
        return fs;
    }
}
