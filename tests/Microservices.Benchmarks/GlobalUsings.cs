// What the tests' shared sources (Shared/*.cs, linked from tests/Microservices.Tests) take from that project's global usings.
global using Amazon.DynamoDBv2.Model;
global using Microservices.Schema;
global using Microservices.Streams;
global using System.Net;
