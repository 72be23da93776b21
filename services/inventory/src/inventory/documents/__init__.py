"""Each person's signed documents and background check as scans (xinjiang 1.5-1: "项目所有参与
人员均要签订政治责任书、信息安全保密协议及信息安全责任书"), kept byte for byte with their
SHA-256; the date on the scan is the paperwork's date."""
