using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// The schema, shared by both providers. Each provider has its own subclass so that each keeps its own migration set
/// (the SQL differs: identity columns, timestamp types, collations).
/// </summary>
internal abstract class MsRelapseDbContext : DbContext
{
    public const int PatientIdMaxLength = 64;
    public const int SearchTextMaxLength = 512;
    public const int UserMaxLength = 256;
    public const int CodeMaxLength = 64;
    public const int VersionTextMaxLength = 64;

    protected MsRelapseDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<PatientRow> Patients => Set<PatientRow>();

    public DbSet<EvaluationRow> Evaluations => Set<EvaluationRow>();

    public DbSet<AuditRow> Audit => Set<AuditRow>();

    public DbSet<CdsFeedbackRow> CdsFeedback => Set<CdsFeedbackRow>();

    public DbSet<CdsCardRow> CdsCards => Set<CdsCardRow>();

    public DbSet<CdsTokenIdRow> CdsTokenIds => Set<CdsTokenIdRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PatientRow>(e =>
        {
            e.ToTable("patients");
            e.HasKey(p => p.PatientId);
            e.Property(p => p.PatientId).HasColumnName("patient_id").HasMaxLength(PatientIdMaxLength);
            e.Property(p => p.Version).HasColumnName("version").IsConcurrencyToken();
            // Text, not jsonb: the bundle must come back byte for byte (its SHA-256 identifies evaluation inputs).
            e.Property(p => p.BundleJson).HasColumnName("bundle_json");
            e.Property(p => p.SearchText).HasColumnName("search_text").HasMaxLength(SearchTextMaxLength);
            e.Property(p => p.SearchKey).HasColumnName("search_key").HasMaxLength(SearchTextMaxLength);
            e.Property(p => p.CreatedAt).HasColumnName("created_at");
            e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<EvaluationRow>(e =>
        {
            e.ToTable("evaluations");
            e.HasKey(v => v.Id);
            e.Property(v => v.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(v => v.PatientId).HasColumnName("patient_id").HasMaxLength(PatientIdMaxLength);
            e.Property(v => v.PatientVersion).HasColumnName("patient_version");
            e.Property(v => v.EngineVersion).HasColumnName("engine_version").HasMaxLength(VersionTextMaxLength);
            e.Property(v => v.KnowledgeBaseVersion).HasColumnName("knowledge_base_version").HasMaxLength(VersionTextMaxLength);
            e.Property(v => v.AsOf).HasColumnName("as_of");
            e.Property(v => v.InputSha256).HasColumnName("input_sha256").HasMaxLength(64).IsFixedLength();
            e.Property(v => v.PrimaryAction).HasColumnName("primary_action").HasMaxLength(CodeMaxLength);
            e.Property(v => v.Urgency).HasColumnName("urgency").HasMaxLength(CodeMaxLength);
            e.Property(v => v.RecommendationJson).HasColumnName("recommendation_json");
            e.Property(v => v.CreatedAt).HasColumnName("created_at");
            // Deleting a patient deletes its evaluations (clinical data); the audit log keeps only codes and ids.
            e.HasOne<PatientRow>().WithMany().HasForeignKey(v => v.PatientId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(v => new { v.PatientId, v.Id });
            e.HasIndex(v => v.PrimaryAction);
        });

        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(a => a.At).HasColumnName("at");
            e.Property(a => a.User).HasColumnName("user_name").HasMaxLength(UserMaxLength);
            e.Property(a => a.Action).HasColumnName("action").HasMaxLength(CodeMaxLength);
            e.Property(a => a.PatientId).HasColumnName("patient_id").HasMaxLength(PatientIdMaxLength);
            e.Property(a => a.Outcome).HasColumnName("outcome").HasMaxLength(CodeMaxLength);
            e.Property(a => a.RecordVersion).HasColumnName("record_version");
            // No foreign key to patients: the log outlives deleted records.
            e.HasIndex(a => a.PatientId);
            e.HasIndex(a => a.At);
        });

        CdsHooksModel.Configure(modelBuilder);
    }
}

/// <summary>SQLite: timestamps as fixed-width UTC ISO-8601 text, so they sort and compare as text.</summary>
internal sealed class SqliteMsRelapseDbContext(DbContextOptions<SqliteMsRelapseDbContext> options) : MsRelapseDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>().HaveMaxLength(28);
    }
}

/// <summary>PostgreSQL: timestamptz, identity columns, and the "C" collation on ids so that the list order is the
/// same ordinal order as on SQLite whatever the database's locale.</summary>
internal sealed class PostgresMsRelapseDbContext(DbContextOptions<PostgresMsRelapseDbContext> options) : MsRelapseDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<PatientRow>().Property(p => p.PatientId).UseCollation("C");
        modelBuilder.Entity<EvaluationRow>().Property(p => p.PatientId).UseCollation("C");
        modelBuilder.Entity<AuditRow>().Property(p => p.PatientId).UseCollation("C");
        modelBuilder.Entity<CdsCardRow>().Property(p => p.PatientId).UseCollation("C");
    }
}

/// <summary>DateTimeOffset ↔ <c>2026-11-25T09:41:00.0000000Z</c>: SQLite has no timestamp type and EF cannot order or
/// compare DateTimeOffset there; fixed-width UTC text sorts and compares correctly as text, and stays readable.</summary>
internal sealed class UtcTextConverter : ValueConverter<DateTimeOffset, string>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public UtcTextConverter()
        : base(
            v => v.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture),
            v => new DateTimeOffset(DateTime.ParseExact(v, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)))
    {
    }
}
