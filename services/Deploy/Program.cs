using Amazon.CDK;

namespace Deploy;

/// <summary>The CDK app: one stack, everything derived from the schema, the bootstrap and the relay's options.</summary>
public static class Program
{
    public static void Main()
    {
        var app = new App();
        var settings = DeploySettings.From(app, DeploySettings.FindRepositoryRoot(Directory.GetCurrentDirectory()));
        _ = new MicroservicesDeployment(app, "Microservices", settings, new StackProps
        {
            Description = "Event-sourced microservices on one DynamoDB table (services/Deploy).",
            // Environment-agnostic (no Env): it deploys to the account and region of the deployer's credentials, and
            // synth needs neither an account nor a lookup (the VPC takes two zones with Fn::GetAZs).
        });
        app.Synth();
    }
}
