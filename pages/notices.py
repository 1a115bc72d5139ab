import streamlit as st
st.title('notices')
