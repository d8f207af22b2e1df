package cloudformation

import "testing"

// TestPrivateGroups: a group is private to its template only when every
// reference to it is a rule or an attachment in the template itself.
func TestPrivateGroups(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Other: {Type: AWS::EC2::SecurityGroup::Id}
Resources:
  Kept: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: a}}
  KeptRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref Other, SourceSecurityGroupId: !GetAtt Kept.GroupId, IpProtocol: tcp, FromPort: 443, ToPort: 443}
  KeptLT:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {NetworkInterfaces: [{DeviceIndex: 0, Groups: [!If [C, !Ref Kept, !Ref Other]]}]}}
  KeptASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: "1", MaxSize: "1", LaunchTemplate: {LaunchTemplateId: !Ref KeptLT, Version: "1"}}
  Output: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: b}}
  Sub: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: c}}
  SubUser:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: !Sub "${Sub.GroupId}"}
  Nested: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: d}}
  Child:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ./child.yaml, Parameters: {NodeSG: !Ref Nested}}
  Custom: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: e}}
  CustomUser:
    Type: Custom::Thing
    Properties: {ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f, VpcConfig: {SecurityGroupIds: [!Ref Custom]}}
  Carried: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: f}}
  CarriedLT:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {SecurityGroupIds: [!Ref Carried]}}
Conditions:
  C: !Equals [!Ref "AWS::Region", us-east-1]
Outputs:
  O: {Value: !Join [",", [!Ref Output, x]]}
  LT: {Value: !Ref CarriedLT}
`
	d := parse(t, src, nil)
	for name, private := range map[string]bool{"Kept": true, "Output": false, "Sub": false, "Nested": false, "Custom": false, "Carried": false} {
		sg := findSG(d, name)
		if sg == nil {
			t.Fatalf("no group %s", name)
		}
		if got := sg.PrivateTo == "t.yaml"; got != private {
			t.Errorf("%s: private %v, want %v (PrivateTo %q)", name, got, private, sg.PrivateTo)
		}
	}
	// A fragment (eksctl's builder test data) has Outputs we do not see.
	frag := parse(t, "Kept: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: a}}\n", nil)
	if sg := findSG(frag, "Kept"); sg == nil || sg.PrivateTo != "" {
		t.Errorf("a fragment's group is private: %+v", sg)
	}
}
