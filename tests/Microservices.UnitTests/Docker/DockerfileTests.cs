using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Microservices.UnitTests.Docker;

/// <summary>
/// What can be checked of docker-compose.yml and the Dockerfiles without a Docker engine: every image's build
/// context holds, where the build looks, every project its project references (transitively) and the build settings
/// (global.json, Directory.*.props, .editorconfig), none of it left out by .dockerignore; each Dockerfile publishes a
/// project that exists and runs the assembly that project builds; ports and settings agree with what the services
/// read. Not checked: that the images build and start (no engine runs here), base images, and the network.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<ComposeService> Services = ComposeFile.Read(Repository.PathOf("docker-compose.yml"));

    private static readonly HashSet<string> OurAssemblyNames =
        [.. ProjectGraph.Closure(Repository.PathOf("tests", "Microservices.UnitTests", "Microservices.UnitTests.csproj")).Select(ProjectGraph.AssemblyName)];

    public static TheoryData<string> Images => [.. Services.Where(s => s.Dockerfile is not null).Select(s => s.Name)];

    [Fact]
    public void Compose_builds_every_service_that_has_no_published_image_from_a_Dockerfile_that_exists()
    {
        Assert.NotEmpty(Images);
        Assert.All(Services.Where(s => s.Dockerfile is not null), s => Assert.True(File.Exists(s.Dockerfile), $"{s.Name}: no {s.Dockerfile}"));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_image_publishes_a_project_that_exists_and_runs_the_assembly_it_builds(string service)
    {
        var image = ImageBuild.Of(Service(service));

        var project = image.PublishedProject;

        Assert.True(project is not null && File.Exists(project), $"{service}: '{image.Publish.Run.Text}' names no project of the context");
        Assert.Equal(["dotnet", $"{ProjectGraph.AssemblyName(project)}.dll"], image.Dockerfile.FinalEntrypoint());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_image_build_context_holds_every_project_its_project_references_and_the_build_settings(string service)
    {
        var missing = ImageBuild.Of(Service(service)).Missing();

        Assert.True(missing.Count == 0, $"{service}: the build would not find\n  {string.Join("\n  ", missing)}");
    }

    [Fact]
    public void A_build_context_without_a_referenced_project_is_caught()
    {
        // The Catalog API's Dockerfile as it was: Catalog.Domain references Microservices.Contracts, which it left out.
        var before = DockerfileText.Parse("Dockerfile", """
            FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
            WORKDIR /src
            COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
            COPY shared/Microservices.Streams/ shared/Microservices.Streams/
            COPY services/ services/
            RUN dotnet publish services/Catalog/Catalog.Api/Catalog.Api.csproj -c Release -o /app
            """);
        var wholeTree = DockerfileText.Parse("Dockerfile", """
            FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
            WORKDIR /src
            COPY . .
            RUN dotnet publish services/Catalog/Catalog.Api/Catalog.Api.csproj -c Release -o /app
            """);

        var leftOut = new ImageBuild(Repository.Root, before, DockerIgnore.Parse("")).Missing();
        var ignored = new ImageBuild(Repository.Root, wholeTree, DockerIgnore.Parse("**/bin/\nshared/Microservices.Contracts/")).Missing();
        var takenBack = new ImageBuild(Repository.Root, wholeTree, DockerIgnore.Parse("shared/\n!shared/**")).Missing();
        var settingsLeftOut = new ImageBuild(Repository.Root, wholeTree, DockerIgnore.Parse("*.props")).Missing();

        Assert.Contains(leftOut, m => m.StartsWith("shared/Microservices.Contracts/Microservices.Contracts.csproj: not copied", StringComparison.Ordinal));
        Assert.Contains(ignored, m => m.StartsWith("shared/Microservices.Contracts/Microservices.Contracts.csproj: left out", StringComparison.Ordinal));
        Assert.Empty(takenBack);
        Assert.Contains(settingsLeftOut, m => m.StartsWith("Directory.Build.props: left out", StringComparison.Ordinal));
        Assert.Contains(settingsLeftOut, m => m.StartsWith("Directory.Packages.props: left out", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_setting_compose_gives_the_service_is_one_it_reads(string service)
    {
        var environment = Service(service).Environment;
        var sections = OptionsSections();

        foreach (var group in environment.GroupBy(v => v.Key.Split("__")[0], StringComparer.Ordinal))
        {
            if (!group.Any(v => v.Key.Contains("__", StringComparison.Ordinal)))
            {
                // Host settings, read by the .NET host itself rather than by an options class of ours.
                Assert.All(group, v => Assert.True(v.Key == "Urls" || v.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                    || v.Key.StartsWith("DOTNET_", StringComparison.Ordinal), $"{service}: {v.Key} is read by nothing"));
                continue;
            }

            Assert.True(sections.TryGetValue(group.Key, out var options), $"{service}: no options class reads the section {group.Key}");
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(group.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), (string?)v.Value)))
                .Build();
            var bound = Activator.CreateInstance(options)!;
            var error = Record.Exception(() => configuration.GetSection(group.Key).Bind(bound, o => o.ErrorOnUnknownConfiguration = true));
            Assert.True(error is null, $"{service}: {error?.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_service_that_listens_does_so_on_the_port_compose_publishes_and_the_image_exposes(string service)
    {
        var compose = Service(service);
        var dockerfile = ImageBuild.Of(compose).Dockerfile;
        var urls = compose.Environment.GetValueOrDefault("Urls") ?? dockerfile.FinalEnvironment("Urls");
        if (urls is null)
        {
            Assert.Empty(compose.Ports); // a worker: nothing to publish
            return;
        }

        var port = new Uri(urls.Split(';')[0]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([port], compose.Ports.Select(p => p.Split(':')[^1]));
        Assert.Contains(port, dockerfile.FinalExposedPorts());
        if (dockerfile.FinalEnvironment("Urls") is { } imageUrls)
        {
            Assert.Equal(urls, imageUrls);
        }
    }

    [Fact]
    public void Every_service_compose_waits_for_is_one_it_defines()
    {
        var names = Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(Services, s => Assert.All(s.DependsOn, d => Assert.True(names.Contains(d), $"{s.Name} depends on an undefined {d}")));
    }

    [Fact]
    public void Every_service_on_RabbitMQ_connects_as_the_user_the_broker_is_created_with_and_never_as_guest()
    {
        var broker = Service("rabbitmq").Environment;
        var onRabbit = Services.Where(s => s.Environment.GetValueOrDefault("Messaging__Transport") == "RabbitMq").ToList();

        Assert.NotEmpty(onRabbit);
        Assert.NotEqual("guest", broker["RABBITMQ_DEFAULT_USER"]);
        Assert.StartsWith("${", broker["RABBITMQ_DEFAULT_PASS"], StringComparison.Ordinal);
        Assert.All(onRabbit, s =>
        {
            Assert.Equal(broker["RABBITMQ_DEFAULT_USER"], s.Environment["Messaging__Username"]);
            Assert.Equal(broker["RABBITMQ_DEFAULT_PASS"], s.Environment["Messaging__Password"]);
        });
    }

    private static ComposeService Service(string name) => Services.Single(s => s.Name == name);

    /// <summary>
    /// The options classes of the services, by the configuration section they bind (their <c>Section</c> constant),
    /// found in the assemblies this test project references, wherever the classes live.
    /// </summary>
    private static Dictionary<string, Type> OptionsSections()
    {
        var sections = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in OurAssemblies().SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                sections[section] = type;
            }
        }

        return sections;
    }

    private static IEnumerable<Assembly> OurAssemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(DockerfileTests).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies()
                         .Where(r => File.Exists(Path.Combine(AppContext.BaseDirectory, r.Name + ".dll")) && IsOurs(r.Name!)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return seen.Values.Where(a => IsOurs(a.GetName().Name!));
    }

    /// <summary>Built from this repository: the test binaries' directory holds third-party assemblies too.</summary>
    private static bool IsOurs(string name) => OurAssemblyNames.Contains(name);
}
