// What nearly every fast test uses.
global using Amazon.DynamoDBv2.Model;
global using CsCheck;
global using Microservices.EventSourcing;
global using Microservices.Schema;
global using Microservices.SingleTable;
global using Microservices.Streams;
