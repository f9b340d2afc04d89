using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MsRelapse.Core.Tests")]
